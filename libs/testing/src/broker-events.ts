import amqp from 'amqplib';
import { connectAnyNode } from '@chanjiao/messaging';
import type { CloudEvent } from '@chanjiao/contracts';

/** Publishes events to the exchange as the outbox relay does (persistent, confirmed), in the given order. */
export async function publishEvents(url: string, exchange: string, events: CloudEvent[]): Promise<void> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(exchange, 'topic', { durable: true });
    for (const e of events) {
      ch.publish(exchange, e.type, Buffer.from(JSON.stringify(e)), {
        persistent: true,
        messageId: e.id,
        type: e.type,
        contentType: 'application/cloudevents+json',
        appId: 'test',
      });
    }
    await ch.waitForConfirms();
    await ch.close();
  } finally {
    await conn.close();
  }
}

export async function publishRaw(url: string, exchange: string, routingKey: string, body: string): Promise<void> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    ch.publish(exchange, routingKey, Buffer.from(body), { persistent: true });
    await ch.waitForConfirms();
    await ch.close();
  } finally {
    await conn.close();
  }
}

/** Reads (and removes) every message waiting in a queue. */
export async function drainQueue(url: string, queue: string): Promise<amqp.GetMessage[]> {
  const conn = await amqp.connect(url);
  const out: amqp.GetMessage[] = [];
  try {
    const ch = await conn.createChannel();
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (!m) break;
      out.push(m);
    }
    await ch.close();
  } finally {
    await conn.close();
  }
  return out;
}

/** Deletes a test's exchange and its consumer's queues (work queue, DLQ, retry tiers). */
export async function deleteBrokerObjects(url: string, exchange: string, queue: string): Promise<void> {
  const conn = await connectAnyNode(url);
  try {
    const ch = await conn.createChannel();
    for (const q of [queue, `${queue}.dlq`, `${queue}.retry.1`, `${queue}.retry.2`, `${queue}.retry.3`]) await ch.deleteQueue(q);
    await ch.deleteExchange(exchange);
    await ch.close();
  } finally {
    await conn.close();
  }
}
