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
 * Declares the consumer's queues: the quorum work queue (bound to the exchange), one TTL queue per
 * retry tier that dead-letters back into the work queue when the delay has passed, and the DLQ.
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
    },
  });
  for (const pattern of t.bindings) await channel.bindQueue(t.queue, t.exchange, pattern);
  for (let tier = 1; tier <= t.retryDelaysMs.length; tier++) {
    await channel.assertQueue(retryQueueName(t.queue, tier), {
      durable: true,
      arguments: {
        'x-message-ttl': t.retryDelaysMs[tier - 1],
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': t.queue,
      },
    });
  }
}
