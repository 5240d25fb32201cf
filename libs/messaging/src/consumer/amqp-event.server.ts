import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { CloudEvent, InvalidEventError, parseEvent, traceIdOf, typesUpcastTo, upcastEvent } from '@chanjiao/contracts';
import { isDatabaseUnavailable, isWorthRunningAgain, untilDatabaseAnswers, WorkerPauses } from '@chanjiao/persistence';
import { connectAmqp } from '../amqp-connection';
import { ConsumerTopology, assertConsumerTopology, deadLetterQueueName, ensureExchange, retryQueueName } from '../topology';
import { SpanKind, SpanStatusCode, startSpan, tracingOn } from '../tracing';
import { BatchTurn } from './batch-turn';
import type { EventApplier, EventTransaction, EventUnitOfWork, ReceivedEvent } from './event-unit-of-work';

export const AMQP_EVENTS_TRANSPORT = Symbol('AMQP_EVENTS');

export interface AmqpEventServerOptions<TTx extends EventTransaction = EventTransaction> {
  url: string;
  /** Connection name shown in RabbitMQ. */
  name: string;
  topology: ConsumerTopology;
  unitOfWork: EventUnitOfWork<TTx>;
  /**
   * Applies every event type it names within the batch's transaction; the consumer calls it directly (Nest only starts
   * and stops the transport, no handler is looked up per event). An earlier version of a type it names reaches it
   * upcast to that type; a type it does not name is dead-lettered (`no_handler`).
   */
  applier: EventApplier<TTx>;
  /** Unacked deliveries at once; by default the batches in flight ({@link prefetchForBatches}). */
  prefetch?: number;
  batchSize?: number;
  /** How long a partial batch waits for more messages. */
  batchWindowMs?: number;
  /**
   * Batches in flight at once (default 1). With 2, the next batch begins and applies its events while one
   * commits; batches still take their locks, commit and are acknowledged in delivery order (see BatchTurn).
   */
  concurrency?: number;
  /**
   * Where the consumer says it waits for its database (readiness and metrics read it); the app's own registry, so
   * its health sees it. A registry of its own by default.
   */
  pauses?: WorkerPauses;
}

/** The consumer's name among the service's workers (readiness, metrics, logs). */
export const CONSUMER_WORKER = 'consumer';

/**
 * The prefetch a consumer takes by default: its batches in flight, no more. Deliveries beyond them only wait in memory,
 * decoded on arrival; they outlive young-generation collections and fill the old generation (BENCHMARKS.md).
 */
export function prefetchForBatches(batchSize: number, concurrency: number): number {
  return batchSize * concurrency;
}

export interface ConsumerStats {
  applied: number;
  /** Deliveries re-queued afresh before the delivery limit could dead-letter them (see `renew`). */
  renewed: number;
  duplicates: number;
  retried: number;
  deadLettered: number;
  batches: number;
}

interface Delivery {
  message: ConsumeMessage;
  channel: Channel;
  /** Acked or nacked on its own already (a multiple-ack must not name it again). */
  settled?: boolean;
}

interface Decoded extends Delivery {
  /** At the latest version of its type. */
  event: CloudEvent;
  /** The body and type as received (the unit of work may keep them instead of serializing the event again). */
  received: ReceivedEvent;
  attempt: number;
}

/** A delivery that is not an event this consumer can handle: it goes to the dead-letter queue. */
interface Undecodable extends Delivery {
  error: string;
  reason: string;
}

/** A delivery as decoded on arrival; its batch, acks included, works on this one object. */
type Arrival = Decoded | Undecodable;

/** Headers the retry path adds; the original routing key survives the detour through the retry queues. */
const H_ATTEMPT = 'x-attempt';
const H_ROUTING_KEY = 'x-original-routing-key';
const H_ERROR = 'x-last-error';
const H_REASON = 'x-dead-letter-reason';
/** How often a message was renewed: re-published afresh to its queue before the delivery limit. */
const H_RENEWALS = 'x-renewals';
/** The broker's count of a quorum-queue message's earlier deliveries that ended without an ack. */
const H_DELIVERY_COUNT = 'x-delivery-count';

/**
 * Renewals a message gets: enough for any run of restarts (each renewal buys half the limit again), few enough that a
 * message which itself crashes the consumer reaches the DLQ (after `threshold × MAX_RENEWALS + limit` crashes).
 */
export const MAX_RENEWALS = 2;

/** Deliveries without an ack from which a message is renewed, at most: see {@link renewalThreshold}. */
export const RENEWAL_THRESHOLD_CAP = 10;

/**
 * The delivery count from which a delivery is renewed: half the queue's delivery limit, at most
 * {@link RENEWAL_THRESHOLD_CAP}. Between it and the limit the consumer sees the message again and again, each time a
 * chance to renew it. A renewal needs the consumer to live a few hundred milliseconds after the delivery; one killed
 * as soon as it takes its window never renews, so the limit itself must stay above any such run of restarts (the
 * default limit is 100, see CONSUMER_DELIVERY_LIMIT).
 */
export function renewalThreshold(deliveryLimit: number): number {
  return Math.max(1, Math.min(RENEWAL_THRESHOLD_CAP, Math.ceil(deliveryLimit / 2)));
}

/**
 * Custom `@nestjs/microservices` transport over amqplib for our CloudEvents (Nest starts and stops it): messages are
 * handed in batches to the app's applier inside one transaction of its unit of work and acknowledged only after it
 * commits; a failing event is retried through TTL queues with backoff,
 * then dead-lettered. Nothing is acknowledged before its effect (or its dead letter) is durable.
 */
export class AmqpEventServer<TTx extends EventTransaction = EventTransaction> extends Server implements CustomTransportStrategy {
  override readonly transportId = AMQP_EVENTS_TRANSPORT;
  protected override readonly logger = new Logger('AmqpEventServer');
  private connection?: AmqpConnectionManager;
  private consumerChannel?: ChannelWrapper;
  private publisher?: ChannelWrapper;
  private buffer: Arrival[] = [];
  /** Batches taken from the buffer and not yet settled. */
  private readonly inFlight = new Set<Arrival[]>();
  private timer?: NodeJS.Timeout;
  private readonly workers = new Set<Promise<void>>();
  /** Deliveries being renewed: no multiple-ack may cover them before their copy is confirmed. */
  private readonly renewing = new Set<Delivery>();
  private lastRenewalLog = 0;
  /** The latest batch taken: the next one takes its turn after it. */
  private lastTurn?: BatchTurn;
  private closing = false;
  /** Aborted by close(): a batch waiting for its database gives up, its deliveries left for the broker to redeliver. */
  private readonly stopping = new AbortController();
  readonly pauses: WorkerPauses;
  readonly stats: ConsumerStats = { applied: 0, renewed: 0, duplicates: 0, retried: 0, deadLettered: 0, batches: 0 };
  /** The batching options with their defaults. */
  private readonly batching: { batchSize: number; batchWindowMs: number; concurrency: number; prefetch: number };

  /** The types the applier takes, and their earlier versions. */
  private readonly applied: ReadonlySet<string>;

  constructor(private readonly options: AmqpEventServerOptions<TTx>) {
    super();
    this.applied = new Set(options.applier.types.flatMap(typesUpcastTo));
    const { batchSize = 500, batchWindowMs = 20, concurrency = 1 } = options;
    this.batching = { batchSize, batchWindowMs, concurrency, prefetch: options.prefetch ?? prefetchForBatches(batchSize, concurrency) };
    this.pauses = options.pauses ?? new WorkerPauses(this.logger);
  }

  listen(callback: (...args: unknown[]) => void): void {
    const t = this.options.topology;
    this.connection = connectAmqp(this.options.url, this.options.name);
    // The exchange is only checked (the consumer's user may not configure it; see consumerGrant), on the connection
    // the wrapper's channel belongs to.
    const declare = async (ch: ConfirmChannel) => {
      const model = this.connection?.connection;
      if (!model) throw new Error('the connection to the broker closed while setting up');
      await ensureExchange(model, t.exchange);
      await assertConsumerTopology(ch, t);
    };
    this.publisher = this.connection.createChannel({ json: false, confirm: true, setup: declare });
    this.consumerChannel = this.connection.createChannel({
      json: false,
      setup: async (ch: ConfirmChannel) => {
        await declare(ch);
        await ch.prefetch(this.batching.prefetch);
        await ch.consume(t.queue, (msg) => msg && this.enqueue({ message: msg, channel: ch }), { noAck: false });
      },
    });
    // The service boots even while the broker is down; the channel consumes once it connects.
    callback();
  }

  /** Resolves once the consumer is attached to its queue. */
  async waitForConsumer(): Promise<void> {
    await this.consumerChannel?.waitForConnect();
  }

  isConnected(): boolean {
    return this.connection?.isConnected() ?? false;
  }

  /** Messages waiting in the work queue (not yet delivered), or null when the broker is unreachable. */
  queueDepth(): Promise<number | null> {
    return this.depthOf(this.options.topology.queue);
  }

  /** Messages in the dead-letter queue, or null when the broker is unreachable. */
  deadLetterDepth(): Promise<number | null> {
    return this.depthOf(deadLetterQueueName(this.options.topology.queue));
  }

  private async depthOf(queue: string): Promise<number | null> {
    if (!this.publisher || !this.isConnected()) return null;
    let depth: number | null = null;
    const check = async (ch: ConfirmChannel) => {
      depth = (await ch.checkQueue(queue)).messageCount;
    };
    try {
      await this.publisher.addSetup(check);
      return depth;
    } catch {
      return null;
    } finally {
      // A setup stays with the wrapper and runs again at every reconnect: one left per call (every /reports/freshness,
      // every scrape) grew without bound.
      await this.publisher.removeSetup(check).catch(() => undefined);
    }
  }

  /**
   * The time of the oldest event this consumer holds unapplied (received, waiting for or in a batch), or undefined
   * when it holds none: with the events parked in the database, what the projection lag is measured from.
   */
  oldestHeldEventTime(): number | undefined {
    let oldest: number | undefined;
    for (const batch of [this.buffer, ...this.inFlight]) {
      for (const a of batch) {
        if ('error' in a) continue;
        const t = Date.parse(a.event.time);
        if (!Number.isNaN(t) && (oldest === undefined || t < oldest)) oldest = t;
      }
    }
    return oldest;
  }

  on(): never {
    throw new Error('AmqpEventServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopping.abort(new ConsumerStopping());
    // Stop taking deliveries, finish the batch in flight, then let go of the broker.
    await this.consumerChannel?.cancelAll().catch(() => undefined);
    if (this.timer) clearTimeout(this.timer);
    while (this.workers.size > 0 || this.buffer.length > 0) await this.drainAll();
    await this.consumerChannel?.close().catch(() => undefined);
    await this.publisher?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  private enqueue(delivery: Delivery): void {
    if (this.closing) return; // unacked: the broker redelivers it to another consumer
    if (this.renewalDue(delivery)) {
      void this.renew(delivery);
      return;
    }
    this.push(delivery);
  }

  private push(delivery: Delivery): void {
    // Decoded as it arrives, while the batch before it waits for the database, not when its own batch starts.
    this.buffer.push(this.decode(delivery));
    if (this.buffer.length >= this.batching.batchSize) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.batching.batchWindowMs);
    }
  }

  /**
   * A quorum queue counts every delivery that ends without an ack, a consumer's crash or restart included, and
   * dead-letters the message past its delivery limit: a consumer restarted again and again would send the healthy events
   * of its whole prefetch window to the DLQ. A message delivered `renewalThreshold` times is therefore re-published to
   * its queue afresh (count 0, at the tail: later events of its stream wait parked for it) and only then acked, before
   * any batch applies it; at most {@link MAX_RENEWALS} times, so a message that itself crashes the consumer still
   * reaches the DLQ. A copy confirmed but not acked (a crash in between) is a duplicate the inbox drops.
   */
  private renewalDue(d: Delivery): boolean {
    const headers = d.message.properties.headers ?? {};
    const count = Number(headers[H_DELIVERY_COUNT] ?? 0);
    return count >= renewalThreshold(this.options.topology.deliveryLimit) && Number(headers[H_RENEWALS] ?? 0) < MAX_RENEWALS;
  }

  private async renew(d: Delivery): Promise<void> {
    const headers = d.message.properties.headers ?? {};
    const renewals = Number(headers[H_RENEWALS] ?? 0) + 1;
    this.renewing.add(d);
    try {
      await this.republish(d, this.options.topology.queue, { [H_RENEWALS]: renewals }, [H_DELIVERY_COUNT]);
    } catch (e) {
      this.renewing.delete(d);
      // Not renewed (the broker is away?): handled as any delivery; the channel's end redelivers it otherwise.
      this.logger.warn(`could not renew message ${d.message.properties.messageId}: ${(e as Error).message}`);
      if (!this.closing) this.push(d);
      return;
    }
    this.renewing.delete(d);
    this.ackEach([d]);
    this.stats.renewed++;
    if (Date.now() - this.lastRenewalLog > 10_000) {
      this.lastRenewalLog = Date.now();
      this.logger.warn(
        `renewing messages delivered ${String(headers[H_DELIVERY_COUNT])} times without an ack (the consumer restarted or crashed ` +
          `with them in hand): re-queued afresh so the delivery limit does not dead-letter them (${this.stats.renewed} so far)`,
      );
    }
  }

  /**
   * Starts drain loops up to the concurrency. Each loop is registered before it can finish (a drain
   * that finished synchronously, on an empty buffer, once left a settled promise behind and stalled
   * the consumer for good), and a message that arrives as one ends starts the next.
   */
  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.buffer.length > 0 && this.workers.size < this.batching.concurrency) {
      const worker: Promise<void> = this.drain().finally(() => {
        this.workers.delete(worker);
        if (this.buffer.length > 0) this.flush();
      });
      this.workers.add(worker);
    }
  }

  /**
   * Drains the buffer and waits for every batch in flight. Only for shutdown: called per message (as
   * flush is), a promise over long-lived workers would pile up until they end (the heap ran out).
   */
  private async drainAll(): Promise<void> {
    this.flush();
    while (this.workers.size > 0) await Promise.all(this.workers);
  }

  private async drain(): Promise<void> {
    await Promise.resolve();
    while (this.buffer.length > 0) {
      if (this.closing && this.pauses.isPaused(CONSUMER_WORKER)) {
        // Stopping while the database is away: what is left stays unacknowledged, for the broker to redeliver.
        this.buffer.length = 0;
        return;
      }
      const batch = this.buffer.splice(0, this.batching.batchSize);
      const turn = (this.lastTurn = new BatchTurn(this.lastTurn));
      this.inFlight.add(batch);
      try {
        await this.processBatch(batch, turn);
        await turn.previousSettled();
        this.ack(batch);
      } catch (e) {
        if (!(e instanceof ConsumerStopping)) throw e;
        // Left unacknowledged: the broker redelivers the batch once this channel closes.
      } finally {
        this.inFlight.delete(batch);
        turn.settle();
      }
    }
  }

  private async processBatch(batch: Arrival[], turn: BatchTurn): Promise<void> {
    this.stats.batches++;
    const decoded = batch.filter((a): a is Decoded => !('error' in a));
    if (!tracingOn()) return this.processDecoded(batch, decoded, turn);
    // Traced: a child of its first event's traceparent (the request that wrote it), linked to the others'.
    const span = startSpan(`${this.options.topology.queue} process`, {
      kind: SpanKind.CONSUMER,
      parent: decoded[0]?.event.traceparent,
      links: decoded.map((d) => d.event.traceparent),
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.destination.name': this.options.topology.queue,
        'messaging.batch.message_count': batch.length,
      },
    });
    try {
      await this.processDecoded(batch, decoded, turn);
    } catch (e) {
      span?.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span?.end();
    }
  }

  private async processDecoded(batch: Arrival[], decoded: Decoded[], turn: BatchTurn): Promise<void> {
    // The first attempt overlaps the batches around it (see BatchTurn); any other runs alone.
    let committed = false;
    let failure: unknown;
    try {
      committed = decoded.length === 0 || (await this.applyAll(decoded, turn));
    } catch (e) {
      failure = e;
    } finally {
      turn.endFirstAttempt(committed);
    }
    for (const a of batch) {
      if (!('error' in a)) continue;
      try {
        await this.deadLetter(a, a.reason, a.error);
      } catch (e) {
        this.logger.error(`could not dead-letter an invalid message: ${(e as Error).message}`);
        this.nack([a]);
      }
    }
    if (committed) return;
    await turn.alone();
    try {
      if (failure !== undefined && !isRetryableConflict(failure) && !isDatabaseUnavailable(failure)) throw failure;
      // Not committed because a batch before it failed, it lost a race or the database was away: run it again whole.
      await this.applyAllRetrying(decoded);
    } catch (e) {
      if (e instanceof ConsumerStopping) throw e;
      if (decoded.length > 1) {
        this.logger.warn(`batch of ${decoded.length} failed (${(e as Error).message}); retrying one by one`);
        for (const d of decoded) await this.processOne(d);
      } else {
        await this.processOne(decoded[0]!, e as Error);
      }
    }
  }

  /**
   * A batch that lost a race with a concurrent one (another consumer created a row it meant to create, a
   * deadlock, a serialization failure) is run again whole, as it was; other errors go to the one-by-one path.
   * While the database is away it waits (see {@link surviveOutage}).
   */
  private async applyAllRetrying(items: Decoded[]): Promise<void> {
    for (let attempt = 2; ; attempt++) {
      try {
        await this.surviveOutage(() => this.applyAll(items), items.length);
        return;
      } catch (e) {
        if (attempt >= 3 || !isRetryableConflict(e)) throw e;
        this.logger.debug(`batch of ${items.length} ran into a concurrent one (${(e as Error).message}); running it again`);
      }
    }
  }

  /**
   * An unreachable database is not the events' fault: the consumer stops taking messages (its batches in flight
   * wait, so the broker delivers no more than the prefetch), holds what it has unacknowledged, and runs the same work
   * again with backoff until the database answers. Retry queues and the DLQ see only what the applier rejected.
   */
  private surviveOutage<T>(work: () => Promise<T>, holding: number): Promise<T> {
    return untilDatabaseAnswers(work, {
      worker: CONSUMER_WORKER,
      pauses: this.pauses,
      signal: this.stopping.signal,
      holding: () => `holding ${holding + this.buffer.length} events unacknowledged`,
    });
  }

  /** One event alone: on failure it goes to its retry tier or the DLQ, and only then is acked. */
  private async processOne(d: Decoded, previous?: Error): Promise<void> {
    try {
      if (previous && !isDatabaseUnavailable(previous)) throw previous;
      await this.surviveOutage(() => this.applyAll([d]), 1);
      this.ackEach([d]);
    } catch (e) {
      if (e instanceof ConsumerStopping) throw e;
      try {
        await this.retryOrDeadLetter(d, e as Error);
        this.ackEach([d]);
      } catch (routeError) {
        this.logger.error(`could not route failed event ${d.event.id}: ${(routeError as Error).message}`);
        this.nack([d]);
      }
    }
  }

  /**
   * One transaction for the whole batch; events the applier throws on are discarded from it and retried later. In its
   * turn (a first attempt among batches in flight) it begins and commits in delivery order; false: it rolled
   * back because a batch before it did not commit.
   */
  private async applyAll(items: Decoded[], turn?: BatchTurn): Promise<boolean> {
    await turn?.mayBegin();
    let tx: TTx;
    try {
      tx = await this.options.unitOfWork.begin(
        items.map((d) => d.event),
        items.map((d) => d.received),
      );
    } finally {
      turn?.hasBegun();
    }
    const failed: Array<{ item: Decoded; error: Error }> = [];
    const seen = new Set<string>();
    try {
      for (const item of items) {
        const id = item.event.id;
        if (seen.has(id) || !tx.isFresh(id)) {
          this.stats.duplicates++;
          continue;
        }
        seen.add(id);
        try {
          await this.dispatch(item, tx);
        } catch (error) {
          // The database went away under the applier: the whole batch waits for it, as when its commit fails.
          if (isDatabaseUnavailable(error)) throw error;
          tx.discard(id);
          failed.push({ item, error: error as Error });
        }
      }
      if (turn && !(await turn.mayCommit())) {
        await tx.rollback();
        return false;
      }
      await tx.commit();
      turn?.committed();
    } catch (e) {
      await tx.rollback().catch(() => undefined);
      throw e;
    }
    this.stats.applied += seen.size - failed.length;
    if (Logger.isLevelEnabled('debug')) {
      const failedIds = new Set(failed.map((f) => f.item.event.id));
      for (const item of items)
        if (seen.has(item.event.id) && !failedIds.has(item.event.id))
          this.logger.debug(Object.assign({ msg: 'applied' }, eventLogFields(item.event)));
    }
    for (const f of failed) await this.retryOrDeadLetter(f.item, f.error);
    return true;
  }

  private async dispatch(item: Decoded, tx: TTx): Promise<void> {
    await this.options.applier.apply(item.event, tx, item.attempt);
  }

  private decode(delivery: Delivery): Arrival {
    let body: unknown;
    const text = delivery.message.content.toString('utf8');
    try {
      body = JSON.parse(text);
    } catch {
      return Object.assign({}, delivery, { reason: 'malformed_json', error: 'message body is not JSON' });
    }
    let event: CloudEvent;
    let type: string;
    try {
      // Checked against its own version's schema, then (once it is known to be wanted) upcast to the latest version:
      // the applier sees only those, the log keeps the body and type it came in.
      event = parseEvent(body);
      type = event.type;
      if (!this.applied.has(type)) return Object.assign({}, delivery, { reason: 'no_handler', error: `no handler for ${type}` });
      event = upcastEvent(event);
    } catch (e) {
      return Object.assign({}, delivery, {
        reason: e instanceof InvalidEventError ? 'invalid_event' : 'undecodable',
        error: (e as Error).message,
      });
    }
    const headers = delivery.message.properties.headers ?? {};
    const attempt = Number(headers[H_ATTEMPT] ?? 0) + 1;
    return Object.assign({}, delivery, { event, received: { body: text, type }, attempt });
  }

  private async retryOrDeadLetter(d: Decoded, error: Error): Promise<void> {
    const tiers = this.options.topology.retryDelaysMs.length;
    if (d.attempt <= tiers) {
      this.logger.warn(Object.assign({ msg: `failed on attempt ${d.attempt}; retrying`, error: error.message }, eventLogFields(d.event)));
      await this.republish(d, retryQueueName(this.options.topology.queue, d.attempt), {
        [H_ATTEMPT]: d.attempt,
        [H_ERROR]: truncate(error.message),
      });
      this.stats.retried++;
    } else {
      this.logger.error(Object.assign({ msg: `failed ${d.attempt} times; dead-lettered`, error: error.message }, eventLogFields(d.event)));
      await this.deadLetter(d, 'handler_failed', error.message);
    }
  }

  private async deadLetter(d: Delivery, reason: string, error: string): Promise<void> {
    await this.republish(d, deadLetterQueueName(this.options.topology.queue), { [H_REASON]: reason, [H_ERROR]: truncate(error) });
    this.stats.deadLettered++;
  }

  private async republish(d: Delivery, queue: string, extraHeaders: Record<string, unknown>, dropHeaders: string[] = []): Promise<void> {
    const p = d.message.properties;
    const headers = { ...(p.headers ?? {}) };
    headers[H_ROUTING_KEY] ??= d.message.fields.routingKey;
    for (const h of dropHeaders) delete headers[h];
    await this.publisher!.publish('', queue, d.message.content, {
      persistent: true,
      messageId: p.messageId,
      type: p.type,
      contentType: p.contentType,
      timestamp: p.timestamp,
      appId: p.appId,
      headers: Object.assign({}, headers, extraHeaders),
      timeout: 10_000,
    });
  }

  /**
   * Settles a batch with one multiple-ack per channel, naming its last delivery still unsettled: every
   * lower tag on that channel belongs to this batch or to one settled before it (batches ack in the
   * order they were taken, and are taken in delivery order). Acking each message alone cost RabbitMQ
   * a quorum-queue command per message. A tag acked already must not be named again: RabbitMQ would
   * close the channel (unknown delivery tag).
   */
  private ack(items: Delivery[]): void {
    const last = new Map<Channel, Delivery>();
    for (const d of items) {
      if (d.settled) continue;
      const seen = last.get(d.channel);
      if (!seen || d.message.fields.deliveryTag > seen.message.fields.deliveryTag) last.set(d.channel, d);
    }
    for (const r of this.renewing) {
      // A renewal still waiting for its copy's confirm must not be acked with the batch: one by one on that channel.
      const d = last.get(r.channel);
      if (d && r.message.fields.deliveryTag < d.message.fields.deliveryTag) {
        last.delete(r.channel);
        this.ackEach(items.filter((i) => i.channel === r.channel));
      }
    }
    for (const [channel, d] of last) {
      try {
        channel.ack(d.message, true);
      } catch {
        // The channel closed under us: the broker redelivers, the inbox makes that harmless.
      }
    }
    for (const d of items) d.settled = true;
  }

  /** Acks deliveries one by one (a batch's failure path), leaving earlier batches' deliveries alone. */
  private ackEach(items: Delivery[]): void {
    for (const d of items) {
      if (d.settled) continue;
      d.settled = true;
      try {
        d.channel.ack(d.message);
      } catch {
        // as above
      }
    }
  }

  private nack(items: Delivery[]): void {
    for (const d of items) {
      if (d.settled) continue;
      d.settled = true;
      const { message, channel } = d;
      try {
        channel.nack(message, false, true);
      } catch {
        // as above
      }
    }
  }
}

/** The consumer is closing: work waiting for the database gives up, its deliveries left unacknowledged. */
class ConsumerStopping extends Error {
  constructor() {
    super('the consumer is stopping');
  }
}

const truncate = (s: string) => (s.length > 1000 ? `${s.slice(0, 1000)}…` : s);

/** What a consumer log line says about an event, with the correlation id of the request that caused it. */
function eventLogFields(e: CloudEvent): Record<string, string | number | undefined> {
  return { eventId: e.id, type: e.type, subject: e.subject, sequence: e.sequence, correlationId: traceIdOf(e.traceparent) };
}

/**
 * A lost race with a concurrent transaction, a statement prepared before a migration changed its result (or a unit of
 * work's own `retryable` error): running the same work again resolves it.
 */
function isRetryableConflict(e: unknown): boolean {
  return (e as { retryable?: boolean }).retryable === true || isWorthRunningAgain(e);
}
