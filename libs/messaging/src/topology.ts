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
 * Dead-lettering a quorum queue does is at-most-once unless asked otherwise: a message could vanish
 * between the queues when a node fails. At-least-once needs `reject-publish` overflow (no length limit
 * is set, so it never rejects); a copy it may double is deduplicated by the consumer's inbox.
 */
const AT_LEAST_ONCE_DEAD_LETTERING = { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } as const;

/**
 * Declares the consumer's queues, all quorum queues so they survive the loss of a node: the work queue
 * (bound to the exchange), one TTL queue per retry tier that dead-letters back into the work queue
 * when the delay has passed, and the DLQ.
 */
export async function assertConsumerTopology(channel: Channel | ConfirmChannel, t: ConsumerTopology): Promise<void> {
  await assertExchange(channel, t.exchange);
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
 * Brokers set up before the retry queues became quorum queues hold classic ones under the same names,
 * and redeclaring them fails (406). An empty one is replaced; one still holding messages is left, with
 * an error naming it, for an operator to drain first.
 */
export async function replaceClassicRetryQueues(
  connection: { createChannel(): Promise<Channel> },
  t: ConsumerTopology,
  log: (line: string) => void,
): Promise<void> {
  for (let tier = 1; tier <= t.retryDelaysMs.length; tier++) {
    const name = retryQueueName(t.queue, tier);
    const probe = await connection.createChannel();
    probe.on('error', () => undefined); // a 406 closes the channel; it is the answer, not a failure
    const isCurrent = await probe
      .assertQueue(name, retryQueueOptions(t, tier))
      .then(() => true)
      .catch((e: { code?: number }) => (e.code === 406 ? false : Promise.reject(e)));
    await probe.close().catch(() => undefined);
    if (isCurrent) continue;
    const ch = await connection.createChannel();
    try {
      const { messageCount } = await ch.checkQueue(name);
      if (messageCount > 0) throw new Error(`${name} is a classic queue holding ${messageCount} messages; let it drain, then run again`);
      await ch.deleteQueue(name, { ifEmpty: true });
      log(`rabbitmq: replaced the classic queue ${name} by a quorum queue`);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }
}
