import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { normalizeEventId } from '@chanjiao/contracts';
import { connectAnyNode } from './amqp-connection';
import { deadLetterQueueName } from './topology';

/** Headers the consumer writes when it dead-letters an event (see AmqpEventServer). */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dead-letter-reason',
  lastError: 'x-last-error',
  routingKey: 'x-original-routing-key',
  attempt: 'x-attempt',
} as const;

/**
 * Headers that describe the failed delivery; a replay drops them so the event starts afresh. It keeps the original
 * routing key (published to the work queue directly, the event's own key is no longer the message's).
 */
const STRIPPED_ON_REPLAY = [
  DEAD_LETTER_HEADERS.reason,
  DEAD_LETTER_HEADERS.lastError,
  DEAD_LETTER_HEADERS.attempt,
  'x-delivery-count',
  'x-renewals',
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
];

export interface DeadLetter {
  /** AMQP message id (the event id for our events), or null when the publisher set none. */
  messageId: string | null;
  /** Event type from the message properties or, failing that, the body. */
  type: string | null;
  reason: string | null;
  lastError: string | null;
  /** Routing key the event was first published with. */
  routingKey: string | null;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
  body: string;
}

export interface DeadLetterQueueOptions {
  url: string;
  /** The consumer's work queue, which replays are published to; its DLQ is `<queue>.dlq`. */
  queue: string;
}

export interface ReplayResult {
  replayed: string[];
  /** Messages left in the DLQ because they could not be replayed (the work queue took none). */
  skipped: Array<{ messageId: string | null; error: string }>;
  /** Ids asked for that are not in the DLQ; the others were replayed all the same. */
  missing: string[];
}

export class DeadLetterError extends Error {}

/**
 * Operator access to a consumer's dead-letter queue: browse it without losing or reordering
 * anything, replay events to the consumer's work queue (published with confirms before the dead
 * letter is removed), or purge it. All of it is allowed to the consumer's own broker user (`consumerGrant`): it reads
 * its DLQ and publishes through the default exchange to its own queue, never to the events exchange, so a replay
 * reaches this consumer alone.
 */
export class DeadLetterQueue {
  readonly dlq: string;
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly options: DeadLetterQueueOptions,
  ) {
    this.dlq = deadLetterQueueName(options.queue);
  }

  static async open(options: DeadLetterQueueOptions): Promise<DeadLetterQueue> {
    const connection = await connectAnyNode(options.url, { clientProperties: { connection_name: 'dlq-tool' } });
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined); // surfaced through the failing call
      const queue = new DeadLetterQueue(connection, channel, options);
      await queue.count();
      return queue;
    } catch (e) {
      await connection.close().catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  /** Number of dead letters; fails clearly when the DLQ does not exist. */
  async count(): Promise<number> {
    try {
      return (await this.channel.checkQueue(this.dlq)).messageCount;
    } catch (e) {
      const message = (e as Error).message;
      throw new DeadLetterError(
        /NOT.FOUND/.test(message)
          ? `queue "${this.dlq}" does not exist (is CONSUMER_QUEUE right?)`
          : `cannot check queue "${this.dlq}": ${message}`,
      );
    }
  }

  /**
   * Every dead letter, oldest first. Messages are fetched unacknowledged on one channel and then
   * returned to the queue in the order they came, so count and order are unchanged.
   */
  async list(): Promise<DeadLetter[]> {
    return this.browse(() => 'keep');
  }

  async show(messageId: string): Promise<DeadLetter | undefined> {
    return (await this.list()).find((m) => m.messageId !== null && normalizeEventId(m.messageId) === normalizeEventId(messageId));
  }

  /**
   * Re-publishes dead letters to the work queue through the default exchange (persistent, confirmed) and only then
   * removes them from the DLQ. Retry bookkeeping headers are stripped so the event gets a fresh set of retries; the
   * consumer finds its handler by the event's type, not by the routing key. `ids` = 'all' replays everything.
   */
  async replay(ids: string[] | 'all'): Promise<ReplayResult> {
    // Ids match in either case (normalizeEventId), as the consumer's inbox compares them.
    const wanted = ids === 'all' ? null : new Set(ids.map(normalizeEventId));
    const found = new Set<string>();
    const result: ReplayResult = { replayed: [], skipped: [], missing: [] };
    try {
      await this.channel.checkQueue(this.options.queue);
    } catch {
      throw new DeadLetterError(`queue "${this.options.queue}" does not exist (is CONSUMER_QUEUE right?)`);
    }
    // Published as mandatory: should the work queue be gone meanwhile, the event comes back and stays in the DLQ.
    let returned = false;
    const onReturn = () => (returned = true);
    this.channel.on('return', onReturn);
    await this.browse(async (letter, raw) => {
      if (wanted && !(letter.messageId && wanted.has(normalizeEventId(letter.messageId)))) return 'keep';
      if (letter.messageId) found.add(normalizeEventId(letter.messageId));
      const headers: Record<string, unknown> = Object.assign({}, letter.headers, { 'x-replayed-from-dlq': new Date().toISOString() });
      for (const h of STRIPPED_ON_REPLAY) delete headers[h];
      const p = raw.properties;
      returned = false;
      this.channel.publish('', this.options.queue, raw.content, {
        persistent: true,
        mandatory: true,
        messageId: p.messageId,
        type: p.type,
        contentType: p.contentType,
        timestamp: p.timestamp,
        appId: p.appId,
        headers,
      });
      await this.channel.waitForConfirms();
      if (returned) {
        result.skipped.push({ messageId: letter.messageId, error: `queue ${this.options.queue} did not take it` });
        return 'keep';
      }
      result.replayed.push(letter.messageId ?? '(no id)');
      return 'remove';
    }).finally(() => this.channel.off('return', onReturn));
    if (ids !== 'all') result.missing = ids.filter((id) => !found.has(normalizeEventId(id)));
    return result;
  }

  /** Deletes every dead letter; returns how many there were. */
  async purge(): Promise<number> {
    return (await this.channel.purgeQueue(this.dlq)).messageCount;
  }

  /**
   * Fetches the messages present now (unacked, so none is fetched twice), decides for each whether it
   * is removed (acked) or kept, then returns the kept ones in their original order.
   */
  private async browse(
    decide: (letter: DeadLetter, raw: GetMessage) => 'keep' | 'remove' | Promise<'keep' | 'remove'>,
  ): Promise<DeadLetter[]> {
    const limit = await this.count();
    const held: GetMessage[] = [];
    const letters: DeadLetter[] = [];
    try {
      for (let i = 0; i < limit; i++) {
        const msg = await this.channel.get(this.dlq, { noAck: false });
        if (!msg) break;
        held.push(msg);
        const letter = toDeadLetter(msg);
        letters.push(letter);
        if ((await decide(letter, msg)) === 'remove') {
          held.pop();
          this.channel.ack(msg);
        }
      }
    } finally {
      // Returned in the order they were fetched: the queue keeps its order.
      let returned = true;
      try {
        for (const msg of held) this.channel.nack(msg, false, true);
      } catch {
        returned = false; // the channel is gone (its error propagates); the broker returns them itself
      }
      // The broker applies returns asynchronously (quorum queues through their log): wait until they
      // are back, so that a count or a browse right after this one sees them.
      if (returned && held.length > 0) await this.settle(limit - (letters.length - held.length));
    }
    return letters;
  }

  private async settle(expected: number, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((await this.count()) < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }
}

function toDeadLetter(msg: GetMessage): DeadLetter {
  const p = msg.properties;
  const headers = { ...(p.headers ?? {}) } as Record<string, unknown>;
  const body = msg.content.toString('utf8');
  let parsed: { type?: unknown } | undefined;
  try {
    parsed = JSON.parse(body) as { type?: unknown };
  } catch {
    parsed = undefined;
  }
  const str = (v: unknown) => (v === undefined || v === null || v === '' ? null : typeof v === 'string' ? v : String(v));
  const type = str(p.type) ?? (typeof parsed?.type === 'string' ? parsed.type : null);
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (k !== 'headers' && v !== undefined) properties[k] = v;
  return {
    messageId: str(p.messageId),
    type,
    reason: str(headers[DEAD_LETTER_HEADERS.reason]),
    lastError: str(headers[DEAD_LETTER_HEADERS.lastError]),
    routingKey: str(headers[DEAD_LETTER_HEADERS.routingKey]) ?? type,
    headers,
    properties,
    body,
  };
}
