import amqp from 'amqplib';
import { testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { assertConsumerTopology, ConsumerTopology, ensureExchange, replaceOutdatedRetryQueues, retryQueueName } from './topology';

describe('consumer topology (real RabbitMQ)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const t: ConsumerTopology = {
    exchange: `test.topology.${suffix}`,
    queue: `test.topology.${suffix}`,
    bindings: ['#'],
    retryDelaysMs: [100, 200],
    deliveryLimit: 5,
  };
  let conn: amqp.ChannelModel;
  beforeAll(async () => {
    conn = await amqp.connect(amqpUrl);
    await ensureExchange(conn, t.exchange);
  });
  afterAll(async () => {
    const ch = await conn.createChannel();
    for (const q of [t.queue, `${t.queue}.dlq`, retryQueueName(t.queue, 1), retryQueueName(t.queue, 2)]) await ch.deleteQueue(q);
    await ch.deleteExchange(t.exchange);
    await conn.close();
  });

  it('replaces the classic retry queues an older version declared, when empty, and refuses to drop messages', async () => {
    const ch = await conn.createChannel();
    // As versions before the retry queues were quorum queues declared them, but with a TTL long enough that the
    // waiting message cannot expire before the check (with 200 ms it sometimes had, on a slow machine).
    for (const tier of [1, 2])
      await ch.assertQueue(retryQueueName(t.queue, tier), {
        durable: true,
        arguments: { 'x-message-ttl': 600_000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': t.queue },
      });
    ch.sendToQueue(retryQueueName(t.queue, 2), Buffer.from('waiting'), { persistent: true });
    await ch.close();
    const log: string[] = [];

    await expect(replaceOutdatedRetryQueues(conn, t, (l) => log.push(l))).rejects.toThrow(
      `${retryQueueName(t.queue, 2)} holds 1 message and is not a quorum queue delaying 200 ms (CONSUMER_RETRY_DELAYS_MS, tier 2)`,
    );
    expect(log).toEqual([
      `rabbitmq: replaced ${retryQueueName(t.queue, 1)} by a quorum queue delaying 100 ms (CONSUMER_RETRY_DELAYS_MS, tier 1)`,
    ]);

    const drain = await conn.createChannel();
    await drain.purgeQueue(retryQueueName(t.queue, 2));
    await drain.close();
    await replaceOutdatedRetryQueues(conn, t, (l) => log.push(l));
    expect(log).toHaveLength(2);

    const declare = await conn.createChannel();
    await assertConsumerTopology(declare, t); // would fail with 406 on a classic queue left behind
    await declare.close();
    await replaceOutdatedRetryQueues(conn, t, (l) => log.push(l)); // nothing left to replace
    expect(log).toHaveLength(2);
  });

  it('replaces a retry queue whose delay was changed, once it is empty and nobody consumes the work queue', async () => {
    const longer: ConsumerTopology = Object.assign({}, t, { retryDelaysMs: [100, 250] });
    const log: string[] = [];
    // A consumer started with the new delay before the queue was replaced is told what to do.
    const early = await conn.createChannel();
    early.on('error', () => undefined);
    await expect(assertConsumerTopology(early, longer)).rejects.toThrow(
      /differ from CONSUMER_RETRY_DELAYS_MS \(100,250\): stop the reporting consumers and run `npm run migrate`/,
    );
    // A consumer of the work queue may be sending retries: the queue is left, saying so.
    const consumer = await conn.createChannel();
    const { consumerTag } = await consumer.consume(t.queue, () => undefined);
    await expect(replaceOutdatedRetryQueues(conn, longer, (l) => log.push(l))).rejects.toThrow(
      `${retryQueueName(t.queue, 2)} is not a quorum queue delaying 250 ms (CONSUMER_RETRY_DELAYS_MS, tier 2) (inequivalent arg 'x-message-ttl'`,
    );
    await consumer.cancel(consumerTag);
    await consumer.close();
    expect(log).toEqual([]);

    await replaceOutdatedRetryQueues(conn, longer, (l) => log.push(l));
    expect(log).toEqual([
      `rabbitmq: replaced ${retryQueueName(t.queue, 2)} by a quorum queue delaying 250 ms (CONSUMER_RETRY_DELAYS_MS, tier 2)`,
    ]);
    const declare = await conn.createChannel();
    await assertConsumerTopology(declare, longer); // the new delay now declares cleanly
    await declare.close();
  });

  it('says which setting to change when the work queue was declared with another delivery limit', async () => {
    const own: ConsumerTopology = Object.assign({}, t, { queue: `${t.queue}.limit` });
    const declare = await conn.createChannel();
    await assertConsumerTopology(declare, own);
    await declare.close();
    const other = await conn.createChannel();
    other.on('error', () => undefined);
    try {
      await expect(assertConsumerTopology(other, Object.assign({}, own, { deliveryLimit: 100 }))).rejects.toThrow(
        /inequivalent arg 'x-delivery-limit'.*another delivery limit than CONSUMER_DELIVERY_LIMIT \(100; .*set CONSUMER_DELIVERY_LIMIT to the queue's limit/,
      );
    } finally {
      const ch = await conn.createChannel();
      for (const q of [own.queue, `${own.queue}.dlq`, retryQueueName(own.queue, 1), retryQueueName(own.queue, 2)]) await ch.deleteQueue(q);
      await ch.close();
    }
  });
});
