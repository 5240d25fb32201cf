import { Logger } from '@nestjs/common';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Client, Pool, PoolClient } from 'pg';
import { CLOUDEVENTS_CONTENT_TYPE } from '@chanjiao/contracts';
import {
  Backoff,
  CONNECT_TIMEOUT_MS,
  isDatabaseUnavailable,
  pauseFor,
  sendTogether,
  SESSION_OPTIONS,
  WorkerPauses,
} from '@chanjiao/persistence';
import { ensureExchange } from '../topology';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox.entity';
import type { OutboxRow } from './outbox.writer';
import { amqplibFastPath, framedPublisher } from '../adapters/amqplib-internals';
import { amqplibPublisher, FramedPublish } from './publish-frames';
import type { Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, startSpan, tracingOn } from '../tracing';

export interface OutboxRelayOptions {
  databaseUrl: string;
  amqp: AmqpConnectionManager;
  exchange: string;
  /** AMQP `appId`: the publishing service. */
  appId: string;
  batchSize?: number;
  /** Fallback re-check when no NOTIFY arrives (e.g. missed while the listener reconnected). */
  idleRecheckMs?: number;
  /** Longest time between two scans of the pending list while local hints keep the relay busy. */
  fullScanEveryMs?: number;
  /** How long a batch may wait for the broker's confirms before it fails (its rows stay pending); 10 s by default. */
  publishTimeoutMs?: number;
  /** Batches published and awaiting their confirms at once (each holds a pooled connection); 2 by default. */
  maxInFlight?: number;
  /** The wait after a failed publish, doubled on each failure in a row up to 5 s (or this, if longer); 250 ms by default. */
  retryBackoffMs?: number;
  /** Where the relay says it waits for its database (the app's, for readiness and metrics); one of its own by default. */
  pauses?: WorkerPauses;
}

/** The relay's name among the service's workers (readiness, metrics, logs). */
export const RELAY_WORKER = 'outbox-relay';

/**
 * Hints holding more characters than this (8–16 MB, as V8 stores a string in one or two bytes a character) are
 * dropped for a scan of the pending list (the rows are there either way): a relay that falls behind reads its
 * backlog from the table instead of holding it in memory.
 */
const MAX_HINT_CHARS = 8_000_000;

/**
 * Publishes committed outbox rows with publisher confirms, in batches, and takes them off the pending
 * list (`outbox_pending`) only after the broker confirmed. Several relays (instances) can run at once: rows are claimed with SKIP LOCKED.
 * While a batch waits for its confirms (10–30 ms for a quorum queue on a busy box, up to 90) the next one is
 * claimed and published: its rows would otherwise wait out the whole cycle. Batches go on the wire in the order
 * they were claimed (one channel), and each is taken off the pending list in its own transaction.
 * A relay sleeps until an in-process kick (its own service's commits) or a NOTIFY (a writer whose
 * relay is not running, e.g. while it shuts down) says there is work; a full batch loops at once;
 * an idle re-check every few seconds covers a NOTIFY missed while the listener reconnected.
 *
 * A local commit hands over its outbox rows (ids and texts), and the relay only locks their ids on the pending list:
 * reading them back from the outbox cost PostgreSQL 11–30 µs per event in an ingest (BENCHMARKS.md). A scan for
 * pending rows walks the index entries of rows published since the last vacuum (measured when the outbox marked rows
 * itself: 16 ms for 100,000 of them, on every batch, during a burst); with hints the pending list is scanned only
 * when there are none, on a NOTIFY, or every few seconds, which finds whatever a hint missed (a crash between commit
 * and hint, another instance's rows).
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly pool: Pool;
  private listener?: Client;
  private channel?: ChannelWrapper;
  /**
   * The confirm channel the wrapper set up last, published on directly: the wrapper's own publish costs a timer, a
   * promise and a search of its list of unconfirmed messages per message (5.5 % of a writer's busy time in a CPU
   * profile of an ingest). A channel that closes fails its unconfirmed callbacks, so a batch on it fails and its rows
   * stay pending.
   */
  private confirmChannel?: ConfirmChannel;
  /** Publishes on {@link confirmChannel}: a whole batch's frames in one write where amqplib's internals allow. */
  private publishFramed?: FramedPublish;
  private running = false;
  /** Aborted by stop(): ends the relay's timed waits (a publish failure's backoff, a LISTEN retry) at once. */
  private stopping = new AbortController();
  private loop?: Promise<void>;
  /** Batches published and waiting for their confirms. */
  private readonly inFlight = new Set<Promise<void>>();
  /** The error of a batch that failed while the loop went on: the loop backs off before the next. */
  private failure?: Error;
  private wake?: () => void;
  private pendingWake = false;
  /** Committed local outbox rows not yet claimed, and the length of their texts. */
  private hints: OutboxRow[] = [];
  private hintChars = 0;
  private scanNeeded = true;
  private lastFullScan = 0;
  published = 0;
  /** Events the broker returned because no queue was bound for them, by routing key, since the relay started. */
  readonly unroutable = new Map<string, number>();
  /** Returned messages (`basic.return`) not yet matched to their batch: event id → routing key. */
  private readonly returned = new Map<string, string>();
  private lastUnroutableLog = 0;
  /** Channels the broker closed refusing a publish (see refused), since the relay started. */
  refusals = 0;
  private lastRefusalLog = 0;
  lastError: string | undefined;
  private readonly pauses: WorkerPauses;

  constructor(private readonly options: OutboxRelayOptions) {
    this.logger = new Logger(`outbox-relay:${options.appId}`);
    this.pauses = options.pauses ?? new WorkerPauses(this.logger);
    // One connection per batch in flight, and one for backlog(). Statements are planned at each execution
    // (SESSION_OPTIONS): a generic plan of the batch SELECT made on an empty outbox would stay.
    this.pool = new Pool({
      connectionString: options.databaseUrl,
      options: SESSION_OPTIONS,
      max: (options.maxInFlight ?? 2) + 1,
      application_name: `${options.appId}-relay`,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    this.pool.on('error', (e) => this.logger.warn(`pool error: ${e.message}`));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.channel = this.openChannel();
    void this.listen();
    this.loop = this.run();
  }

  /**
   * The confirm channel, set up again by the connection manager after each reconnect. A channel the broker closes
   * while the connection stays (a refusal: 403 ACCESS_REFUSED when this service's user may not publish an event's
   * routing key, 404 when the exchange is gone) is opened anew here, as the manager would wait for a reconnect that
   * never comes; the batch it failed stays in the outbox and is published again after the relay's backoff.
   */
  private openChannel(): ChannelWrapper {
    const wrapper = this.options.amqp.createChannel({
      json: false,
      confirm: true,
      setup: async (ch: ConfirmChannel) => {
        const connection = this.options.amqp.connection;
        if (!connection) throw new Error('the connection to the broker closed while setting up');
        // Only checked: the service's user may not configure the exchange (see publisherGrant).
        await ensureExchange(connection, this.options.exchange);
        this.confirmChannel = ch;
        this.publishFramed = this.framedPublishOn(ch);
        // Published as mandatory: a message no queue takes comes back before its confirm (see publishBatch).
        ch.on('return', (msg: ConsumeMessage) => {
          if (msg.properties.messageId) this.returned.set(String(msg.properties.messageId), msg.fields.routingKey);
        });
        let refusal: Error | undefined;
        // Emitted before 'close' when the broker closes the channel; unconfirmed publishes then fail with "channel closed".
        ch.on('error', (e: Error) => {
          refusal = e;
          this.refused(e);
        });
        ch.once('close', () => {
          if (this.confirmChannel === ch) {
            this.confirmChannel = undefined;
            this.publishFramed = undefined;
          }
          if (!this.running) return;
          if (refusal && this.options.amqp.isConnected()) {
            const wrapper = this.channel;
            this.channel = this.openChannel();
            void wrapper?.close().catch(() => undefined);
            return;
          }
          // Rows wait in the outbox until the wrapper sets a channel up again (after a reconnect).
          this.logger.warn('the channel to the broker closed; publishing resumes once it is set up again');
        });
        this.kick();
      },
    });
    // A setup that failed (the exchange missing, and this user may not declare it): said, and tried again in a while.
    wrapper.on('error', (e: Error) => {
      this.lastError = e.message;
      this.logger.error(`cannot set up the channel to publish on: ${e.message}; trying again in 5 s`);
      setTimeout(() => {
        if (!this.running || this.channel !== wrapper) return;
        this.channel = this.openChannel();
        void wrapper.close().catch(() => undefined);
      }, 5000).unref();
    });
    return wrapper;
  }

  /**
   * The broker closed the channel refusing something: said at error level (once in 30 s while it goes on), as it does
   * not pass by itself. A routing key this service's broker user may not publish (its topic permissions allow its own
   * events only) keeps its batch, and those after it, in the outbox until the user's permissions or the event are put
   * right.
   */
  private refused(e: Error): void {
    this.lastError = e.message;
    this.refusals++;
    if (Date.now() - this.lastRefusalLog < 30_000) return;
    this.lastRefusalLog = Date.now();
    const hint =
      (e as { code?: number }).code === 403 ? ": may this service's broker user publish it? `npm run migrate` sets its permissions" : '';
    this.logger.error(
      `the broker refused a publish and closed the channel (${e.message}); the events stay in the outbox and are published again${hint}`,
    );
  }

  /** Finishes the batches in flight, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.kick();
    await this.loop;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.listener?.end().catch(() => undefined);
    await this.channel?.close().catch(() => undefined);
    await this.pool.end();
  }

  /** Whether this relay is publishing; writers NOTIFY other instances' relays only when it is not. */
  isRunning(): boolean {
    return this.running;
  }

  /**
   * In-process wake-up after a local commit: cheaper than waiting for the NOTIFY round trip. With the rows
   * committed, the relay claims and publishes just those; without, it scans the pending list.
   */
  kick(committed?: readonly OutboxRow[]): void {
    let chars = 0;
    for (const row of committed ?? []) chars += row.payload.length;
    if (committed && this.hintChars + chars <= MAX_HINT_CHARS) {
      for (const row of committed) this.hints.push(row);
      this.hintChars += chars;
    } else {
      this.hints = [];
      this.hintChars = 0;
      this.scanNeeded = true;
    }
    this.pendingWake = true;
    this.wake?.();
  }

  async backlog(): Promise<{ count: number; oldestAgeSeconds: number }> {
    const { rows } = await this.pool.query<{ count: string; age: number | null }>(
      `SELECT count(*) AS count, EXTRACT(EPOCH FROM now() - min(o.created_at))::float8 AS age
       FROM outbox_pending p JOIN outbox o USING (id)`,
    );
    return { count: Number(rows[0]?.count ?? 0), oldestAgeSeconds: rows[0]?.age ?? 0 };
  }

  private async listen(): Promise<void> {
    while (this.running) {
      const client = new Client({
        connectionString: this.options.databaseUrl,
        application_name: `${this.options.appId}-relay-listen`,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      });
      try {
        await client.connect();
        client.on('notification', () => this.kick());
        await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
        this.listener = client;
        this.kick(); // anything committed while we were not listening
        await new Promise<void>((resolve) => {
          client.once('error', () => resolve());
          client.once('end', () => resolve());
        });
      } catch (e) {
        // While the database is away the relay's own pause says so, once.
        if (!isDatabaseUnavailable(e)) this.logger.warn(`LISTEN connection failed: ${(e as Error).message}`);
      }
      await client.end().catch(() => undefined);
      await pauseFor(1000, this.stopping.signal);
    }
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(this.options.retryBackoffMs ?? 250, 5000);
    const batchSize = this.options.batchSize ?? 1000;
    const maxInFlight = this.options.maxInFlight ?? 2;
    while (this.running) {
      this.pendingWake = false;
      if (!this.options.amqp.isConnected() || !this.confirmChannel) {
        // The connection manager reconnects by itself; rows wait in the outbox meanwhile.
        await this.waitForBroker();
        continue;
      }
      if (this.inFlight.size >= maxInFlight) {
        await Promise.race(this.inFlight);
        continue;
      }
      // A batch in flight may have failed meanwhile: back off as for a failure of this one.
      let error: unknown = this.failure;
      this.failure = undefined;
      let count = 0;
      if (!error) {
        try {
          count = await this.publishBatch(batchSize);
        } catch (e) {
          error = e;
        }
      }
      if (error) {
        this.lastError = (error as Error).message;
        const wait = backoff.next();
        // An outage of the database pauses the relay (one line); rows wait in the outbox either way.
        if (isDatabaseUnavailable(error)) this.pauses.pause(RELAY_WORKER, error);
        else if (!(error instanceof UnroutableEvents)) this.logger.warn(`publish failed, will retry in ${wait} ms: ${this.lastError}`);
        // Commits' kicks do not shorten it (they would hammer a failing broker); a stop does.
        await pauseFor(wait, this.stopping.signal);
        continue;
      }
      // The claim ran: the database answers.
      backoff.reset();
      this.pauses.resume(RELAY_WORKER);
      if (count === batchSize || this.pendingWake || this.hints.length > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.idleRecheckMs ?? 2000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private waitForBroker(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.options.amqp.removeListener('connect', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, 1000);
      this.options.amqp.once('connect', done);
      // A channel set up (the setup kicks) or a stop ends the wait early.
      this.wake = () => {
        if (!this.running || this.confirmChannel) done();
      };
    });
  }

  /**
   * Claims a batch (locking its pending rows in a transaction of its own) and publishes it; returns the number of
   * rows once they are on their way. The transaction ends when the broker has confirmed them all (the rows come off
   * the pending list) or failed (rolled back: the rows stay pending and the next scan finds them).
   */
  private async publishBatch(batchSize: number): Promise<number> {
    const fullScanEveryMs = this.options.fullScanEveryMs ?? 5000;
    const scan = this.scanNeeded || this.hints.length === 0 || Date.now() - this.lastFullScan > fullScanEveryMs;
    const hinted = scan ? [] : this.hints.splice(0, batchSize);
    for (const row of hinted) this.hintChars -= row.payload.length;
    if (scan) {
      this.scanNeeded = false;
      this.lastFullScan = Date.now();
    }
    const client = await this.pool.connect();
    let rows: OutboxRow[];
    try {
      // Two round trips per batch: BEGIN with the claim, the delete with COMMIT (pipelined, see sendTogether).
      if (scan) {
        const [, found] = await sendTogether(client, [
          ['BEGIN', []],
          [
            `SELECT o.id, o.event_id AS "eventId", o.routing_key AS "routingKey", o.payload::text AS payload
             FROM (SELECT id FROM outbox_pending ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) p JOIN outbox o USING (id) ORDER BY o.id`,
            [batchSize],
          ],
        ]);
        // Read back as text: the envelope's attributes come from it.
        rows = (found as OutboxRow[]).map((r) => Object.assign(r, envelopeFields(r.payload)));
      } else {
        // Hinted rows another relay (or a scan) took, or published already, are not locked here: they are skipped.
        const [, locked] = await sendTogether(client, [
          ['BEGIN', []],
          [`SELECT id FROM outbox_pending WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE SKIP LOCKED`, [hinted.map((r) => r.id)]],
        ]);
        const ids = new Set((locked as Array<{ id: string }>).map((r) => r.id));
        rows = ids.size === hinted.length ? hinted : hinted.filter((r) => ids.has(r.id));
      }
    } catch (e) {
      await this.abandon(client);
      throw e;
    }
    if (rows.length === 0) {
      await client.query('COMMIT').finally(() => client.release());
      return 0;
    }
    // A full scan that filled its batch may have left rows behind: scan again rather than wait for hints.
    if (scan && rows.length === batchSize) this.scanNeeded = true;
    const spans = tracingOn() ? publishSpans(rows, this.options.exchange) : undefined;
    const confirmed = this.publishAll(rows, this.options.publishTimeoutMs ?? 10_000);
    const settled = (async () => {
      try {
        await confirmed;
        endSpans(spans);
        // The broker confirms a message no queue took too (after returning it): such rows stay pending.
        const bounced = this.returned.size > 0 ? rows.filter((r) => this.returned.delete(r.eventId)) : [];
        const routed = bounced.length > 0 ? rows.filter((r) => !bounced.includes(r)) : rows;
        await sendTogether(client, [
          [`DELETE FROM outbox_pending WHERE id = ANY($1::bigint[])`, [routed.map((r) => r.id)]],
          ['COMMIT', []],
        ]);
        client.release();
        this.published += routed.length;
        this.lastError = undefined;
        if (bounced.length > 0) this.heldUnroutable(bounced);
      } catch (e) {
        endSpans(spans, e as Error);
        for (const r of rows) this.returned.delete(r.eventId);
        await this.abandon(client);
        // The loop backs off before its next batch, which scans for these rows (after a reconnect, if that is what failed).
        this.failure ??= e as Error;
        this.lastError = (e as Error).message;
        this.wake?.();
      }
    })();
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
    return rows.length;
  }

  /**
   * Rows whose events reached no queue (no binding for their routing key: a fresh vhost, a queue renamed or deleted)
   * stay in the outbox: published again after the relay's backoff until a queue takes them, never marked sent.
   */
  private heldUnroutable(rows: readonly OutboxRow[]): void {
    const keys = new Map<string, number>();
    for (const r of rows) keys.set(r.routingKey, (keys.get(r.routingKey) ?? 0) + 1);
    for (const [key, n] of keys) this.unroutable.set(key, (this.unroutable.get(key) ?? 0) + n);
    const named = [...keys].map(([key, n]) => `${key} (${n})`).join(', ');
    const error = new UnroutableEvents(`${rows.length} events reached no queue on exchange ${this.options.exchange}: ${named}`);
    this.failure ??= error;
    this.lastError = error.message;
    this.scanNeeded = true;
    if (Date.now() - this.lastUnroutableLog > 30_000) {
      this.lastUnroutableLog = Date.now();
      this.logger.warn(`${error.message}; is the consumers' queue bound? They stay in the outbox and are published again`);
    }
    this.wake?.();
  }

  /** Not published: the rows stay pending (the transaction rolls back) and the next scan finds them. */
  private async abandon(client: PoolClient): Promise<void> {
    this.scanNeeded = true;
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }

  /** The channel's publisher; on the public path amqplib's own publish, also where its internals are not as expected (with a warning). */
  private framedPublishOn(ch: ConfirmChannel): FramedPublish {
    const fixed = { exchange: this.options.exchange, contentType: CLOUDEVENTS_CONTENT_TYPE, appId: this.options.appId };
    const framed = framedPublisher(ch, fixed);
    if (framed) return framed;
    if (amqplibFastPath.on) this.logger.warn('amqplib internals changed: publishing one message at a time through amqplib');
    return amqplibPublisher(ch, fixed);
  }

  /** Publishes the rows on the confirm channel; settles when the broker confirmed them all, or on the first failure. */
  private publishAll(rows: readonly OutboxRow[], timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let unconfirmed = rows.length;
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      // One timer per batch: the rows stay pending and are published again (consumers deduplicate by event id).
      const timer = setTimeout(
        () => settle(new Error(`the broker did not confirm ${unconfirmed} messages within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onConfirm = (error: unknown) => {
        if (error) settle(error instanceof Error ? error : new Error(String(error)));
        else if (--unconfirmed === 0) settle();
      };
      try {
        const publish = this.publishFramed;
        if (!publish) throw new Error('no channel to the broker');
        publish(rows, onConfirm);
      } catch (e) {
        // A closed channel: the batch ends as failed.
        settle(e as Error);
      }
    });
  }
}

/**
 * The two envelope fields the AMQP properties need, from the stored text. The outbox holds each event as
 * `JSON.stringify` wrote it, its scalar attributes before `data`: there, `"time":"` and `"traceparent":"` found
 * before the first `"data":` are the envelope's own (a JSON string cannot hold an unescaped quote), and the whole
 * event need not be parsed. Any other layout is parsed.
 */
export function envelopeFields(payload: string): { time: string; traceparent?: string } {
  const data = payload.indexOf('"data":');
  const time = payload.indexOf('"time":"');
  if (data > 0 && time > 0 && time < data) {
    const trace = payload.indexOf('"traceparent":"');
    if (trace < data) {
      const valueAt = (key: number, length: number) => payload.slice(key + length, payload.indexOf('"', key + length));
      return trace < 0 ? { time: valueAt(time, 8) } : { time: valueAt(time, 8), traceparent: valueAt(trace, 15) };
    }
  }
  return JSON.parse(payload) as { time: string; traceparent?: string };
}

/** Events the broker confirmed only after returning them: no queue was bound for their routing key. */
class UnroutableEvents extends Error {}

/**
 * With tracing on, a batch's publish is one span per request that wrote its events: each a child of the `traceparent`
 * those events carry (the request's span), so a trace shows the write, its publish and (linked) the consumer's batch.
 */
function publishSpans(rows: readonly OutboxRow[], exchange: string): Span[] {
  const byTrace = new Map<string | undefined, number>();
  for (const r of rows) byTrace.set(r.traceparent, (byTrace.get(r.traceparent) ?? 0) + 1);
  const spans: Span[] = [];
  for (const [parent, count] of byTrace) {
    const span = startSpan(`${exchange} publish`, {
      kind: SpanKind.PRODUCER,
      parent,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': exchange, 'messaging.batch.message_count': count },
    });
    if (span) spans.push(span);
  }
  return spans;
}

function endSpans(spans: Span[] | undefined, error?: Error): void {
  for (const span of spans ?? []) {
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
  }
}
