import type { Channel, ConfirmChannel } from 'amqplib';

export interface ConsumerTopology {
  exchange: string;
  /** Quorum queue this consumer reads. */
  queue: string;
  /** Routing-key patterns bound to the queue (`#` for every event). */
  bindings: string[];
  /** Delay of each retry tier, in ms: attempt n waits retryDelaysMs[n-1]. */
  retryDelaysMs: number[];
  /** Safety net for messages that crash the consumer before it can route them: the broker dead-letters them. */
  deliveryLimit: number;
}

export const retryQueueName = (queue: string, tier: number) => `${queue}.retry.${tier}`;
export const deadLetterQueueName = (queue: string) => `${queue}.dlq`;

export async function assertExchange(channel: Channel | ConfirmChannel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

/**
 * Makes sure the events exchange exists before a service publishes to it or binds to it: checked passively (which
 * RabbitMQ allows without any permission), declared only when missing. The services' own users may not configure it
 * (`publisherGrant`, `consumerGrant`): `npm run migrate` declares it as the broker's admin, and a service only checks;
 * a broker user that may (a test's guest) declares it on a fresh vhost. Probes run on channels of their own, as a
 * refusal closes the channel it comes on.
 */
export async function ensureExchange(connection: { createChannel(): Promise<Channel> }, exchange: string): Promise<void> {
  const exists = await onProbe(connection, (ch) =>
    ch.checkExchange(exchange).then(
      () => true,
      (e: { code?: number }) => (e.code === 404 ? false : Promise.reject(e)),
    ),
  );
  if (exists) return;
  await onProbe(connection, (ch) => assertExchange(ch, exchange)).catch((e: Error & { code?: number }) => {
    if (e.code !== 403) throw e;
    throw Object.assign(
      new Error(
        `exchange ${exchange} does not exist and this broker user may not declare it (${e.message}): run npm run migrate, which does`,
      ),
      { code: 403 },
    );
  });
}

/**
 * Dead-lettering a quorum queue does is at-most-once unless asked otherwise: a message could vanish
 * between the queues when a node fails. At-least-once needs `reject-publish` overflow (no length limit
 * is set, so it never rejects); a copy it may double is deduplicated by the consumer's inbox.
 */
const AT_LEAST_ONCE_DEAD_LETTERING = { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } as const;

/**
 * Declares the consumer's queues, all quorum queues so they survive the loss of a node: the work queue
 * (bound to the exchange, which must exist: {@link ensureExchange}), one TTL queue per retry tier that dead-letters
 * back into the work queue when the delay has passed, and the DLQ.
 */
export async function assertConsumerTopology(channel: Channel | ConfirmChannel, t: ConsumerTopology): Promise<void> {
  try {
    await declareConsumerTopology(channel, t);
  } catch (e) {
    throw explainRefusal(e, t);
  }
}

/**
 * A 406 on a retry queue means it was declared with other arguments, mostly another `CONSUMER_RETRY_DELAYS_MS`: the
 * error then says what replaces it, instead of only the broker's words.
 */
function explainRefusal(e: unknown, t: ConsumerTopology): unknown {
  const err = e as Error & { code?: number };
  if (err?.code === 406 && err.message.includes(`'${t.queue}'`) && err.message.includes('x-delivery-limit')) {
    return Object.assign(
      new Error(
        `${err.message}. The work queue was declared with another delivery limit than CONSUMER_DELIVERY_LIMIT ` +
          `(${t.deliveryLimit}; it was 20 by default before it became 100): set CONSUMER_DELIVERY_LIMIT to the queue's limit`,
      ),
      { code: 406 },
    );
  }
  if (err?.code !== 406 || !err.message.includes(`${t.queue}.retry.`)) return e;
  return Object.assign(
    new Error(
      `${err.message}. The broker's retry queues differ from CONSUMER_RETRY_DELAYS_MS (${t.retryDelaysMs.join(',')}): ` +
        'stop the reporting consumers and run `npm run migrate`, which replaces them once they are empty',
    ),
    { code: 406 },
  );
}

async function declareConsumerTopology(channel: Channel | ConfirmChannel, t: ConsumerTopology): Promise<void> {
  const dlq = deadLetterQueueName(t.queue);
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(t.queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': t.deliveryLimit,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': dlq,
      ...AT_LEAST_ONCE_DEAD_LETTERING,
    },
  });
  for (const pattern of t.bindings) await channel.bindQueue(t.queue, t.exchange, pattern);
  for (let tier = 1; tier <= t.retryDelaysMs.length; tier++) {
    await channel.assertQueue(retryQueueName(t.queue, tier), retryQueueOptions(t, tier));
  }
}

function retryQueueOptions(t: ConsumerTopology, tier: number) {
  return {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-message-ttl': t.retryDelaysMs[tier - 1],
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': t.queue,
      ...AT_LEAST_ONCE_DEAD_LETTERING,
    },
  };
}

/**
 * Retry queues declared with other arguments than this configuration's fail a redeclaration (406): classic ones from
 * versions before they became quorum queues, or ones whose delay `CONSUMER_RETRY_DELAYS_MS` has changed since (a
 * queue's arguments cannot change in place). Such a queue is replaced when it is empty and no consumer reads the work
 * queue (nothing can then send it a retry); otherwise it is left, with an error that says what to do. Run by
 * `npm run migrate` and `npm start` before any consumer starts.
 */
export async function replaceOutdatedRetryQueues(
  connection: { createChannel(): Promise<Channel> },
  t: ConsumerTopology,
  log: (line: string) => void,
): Promise<void> {
  for (let tier = 1; tier <= t.retryDelaysMs.length; tier++) {
    const name = retryQueueName(t.queue, tier);
    const differs = await refusal(connection, (ch) => ch.assertQueue(name, retryQueueOptions(t, tier)));
    if (differs === undefined) continue;
    const wanted = `a quorum queue delaying ${t.retryDelaysMs[tier - 1]} ms (CONSUMER_RETRY_DELAYS_MS, tier ${tier})`;
    const { messageCount } = await onProbe(connection, (ch) => ch.checkQueue(name));
    if (messageCount > 0) {
      throw new Error(
        `${name} holds ${messageCount} message${messageCount === 1 ? '' : 's'} and is not ${wanted} (${differs}); let it drain, then run again`,
      );
    }
    const consumers = await consumersOf(connection, t.queue);
    if (consumers > 0) {
      throw new Error(`${name} is not ${wanted} (${differs}); stop the ${consumers} consumers of ${t.queue}, then run again`);
    }
    // Not `ifEmpty`: RabbitMQ 3.10 refuses it for quorum queues. Checked empty above, with nobody to fill it.
    await onProbe(connection, (ch) => ch.deleteQueue(name));
    log(`rabbitmq: replaced ${name} by ${wanted}`);
  }
}

/** Runs `use` on a channel of its own: an answer that closes the channel (404, 406) reaches `use`, not the connection. */
async function onProbe<T>(connection: { createChannel(): Promise<Channel> }, use: (ch: Channel) => Promise<T>): Promise<T> {
  const probe = await connection.createChannel();
  probe.on('error', () => undefined); // the closing answer is the result, not a failure
  try {
    return await use(probe);
  } finally {
    await probe.close().catch(() => undefined);
  }
}

/** The broker's 406 to `declare` (its message says which argument differs), or undefined when it agrees. */
function refusal(
  connection: { createChannel(): Promise<Channel> },
  declare: (ch: Channel) => Promise<unknown>,
): Promise<string | undefined> {
  return onProbe(connection, (ch) =>
    declare(ch).then(
      () => undefined,
      (e: Error & { code?: number }) => (e.code === 406 ? e.message.replace(/^.*PRECONDITION_FAILED - /, '') : Promise.reject(e)),
    ),
  );
}

/** Consumers of `queue` now; 0 when it does not exist yet. */
function consumersOf(connection: { createChannel(): Promise<Channel> }, queue: string): Promise<number> {
  return onProbe(connection, (ch) =>
    ch.checkQueue(queue).then(
      (q) => q.consumerCount,
      (e: { code?: number }) => (e.code === 404 ? 0 : Promise.reject(e)),
    ),
  );
}
