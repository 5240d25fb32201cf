import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import amqp from 'amqplib';
import { StudentEnrolled } from '@chanjiao/contracts';
import { expectEventually, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { deleteBrokerObjects, enrolledEvent, inboxDatabase, InboxTransaction, publishEvents } from '@chanjiao/testing';
import { AmqpEventServer, DeadLetterQueue, deadLetterQueueName, EventApplier } from './index';

/** The handler is "broken" until the test fixes it. */
const handlerState = { broken: true, attempts: new Map<string, number[]>() };

const flaky: EventApplier<InboxTransaction> = {
  types: [StudentEnrolled.type],
  apply(event, tx, attempt) {
    handlerState.attempts.set(event.id, [...(handlerState.attempts.get(event.id) ?? []), attempt]);
    if (handlerState.broken) throw new Error(`projection bug on ${event.subject}`);
    tx.staged.push(event);
  },
};

/** Nest only starts and stops the transport: the flaky applier takes the events. */
@Module({})
class FlakyModule {}

const enrolled = enrolledEvent;

describe('DeadLetterQueue (real RabbitMQ and PostgreSQL)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.events.${suffix}`;
  const queue = `test.dlq.${suffix}`;
  let store: Awaited<ReturnType<typeof inboxDatabase>>;
  let app: INestMicroservice;
  let dlq: DeadLetterQueue;

  const effects = () => store.uow.effects();

  beforeAll(async () => {
    store = await inboxDatabase('deadletters');
    const server = new AmqpEventServer<InboxTransaction>({
      url: amqpUrl,
      name: 'test-dlq-consumer',
      unitOfWork: store.uow,
      applier: flaky,
      batchSize: 50,
      batchWindowMs: 20,
      topology: { exchange, queue, bindings: ['#'], retryDelaysMs: [50, 100], deliveryLimit: 20 },
    });
    app = await NestFactory.createMicroservice(FlakyModule, { strategy: server, logger: false });
    await app.listen();
    await server.waitForConsumer();
    dlq = await DeadLetterQueue.open({ url: amqpUrl, queue });
  });

  afterAll(async () => {
    await dlq?.close();
    await app?.close();
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    await store?.close();
  });

  it('opening the DLQ of a queue that does not exist fails clearly', async () => {
    await expect(DeadLetterQueue.open({ url: amqpUrl, queue: `missing.${suffix}` })).rejects.toThrow(
      new RegExp(`missing\\.${suffix}\\.dlq`),
    );
  });

  it('dead-lettered events are listed without being consumed, replayed once fixed, and applied exactly once', async () => {
    const events = [enrolled('S1'), enrolled('S2'), enrolled('S3')];
    await publishEvents(amqpUrl, exchange, events);
    await expectEventually(async () => expect(await dlq.count()).toBe(3), { timeoutMs: 10_000 });
    expect(await effects()).toEqual([]);

    // Listing twice shows the same messages in the same order: browsing loses and reorders nothing.
    const ids = events.map((e) => e.id);
    for (let i = 0; i < 2; i++) {
      const listed = await dlq.list();
      expect(listed.map((m) => m.messageId).sort()).toEqual([...ids].sort());
      expect(listed[0]).toMatchObject({
        type: StudentEnrolled.type,
        reason: 'handler_failed',
        routingKey: StudentEnrolled.type,
        lastError: expect.stringMatching(/^projection bug on S\d$/),
      });
      expect(await dlq.count()).toBe(3);
    }
    const order = (await dlq.list()).map((m) => m.messageId);
    expect((await dlq.list()).map((m) => m.messageId)).toEqual(order);

    const shown = await dlq.show(events[1]!.id);
    expect(shown?.headers).toMatchObject({ 'x-dead-letter-reason': 'handler_failed', 'x-original-routing-key': StudentEnrolled.type });
    expect(JSON.parse(shown!.body)).toEqual(events[1]);
    expect(await dlq.show('no-such-id')).toBeUndefined();

    // Replaying while the handler is still broken would just dead-letter again; fix it first.
    handlerState.broken = false;
    const attemptsBefore = handlerState.attempts.get(events[1]!.id)!.length;
    expect(await dlq.replay([events[1]!.id])).toEqual({ replayed: [events[1]!.id], skipped: [], missing: [] });
    expect(await dlq.count()).toBe(2);
    // The remaining two keep their order.
    expect((await dlq.list()).map((m) => m.messageId)).toEqual(order.filter((id) => id !== events[1]!.id));
    await expectEventually(async () => expect(await effects()).toEqual(['S2']));
    // x-attempt was stripped: the replay is a first attempt with a fresh set of retries.
    expect(handlerState.attempts.get(events[1]!.id)!.slice(attemptsBefore)).toEqual([1]);

    expect(await dlq.replay(['no-such-id'])).toEqual({ replayed: [], skipped: [], missing: ['no-such-id'] });
    expect(await dlq.count()).toBe(2);
    // An id not there does not hide that the others were replayed.
    expect(await dlq.replay([events[0]!.id, 'no-such-id'])).toEqual({ replayed: [events[0]!.id], skipped: [], missing: ['no-such-id'] });
    expect(await dlq.count()).toBe(1);

    const all = await dlq.replay('all');
    expect(all).toEqual({ replayed: [events[2]!.id], skipped: [], missing: [] });
    await expectEventually(async () => expect(await effects()).toEqual(['S1', 'S2', 'S3']));
    expect(await dlq.count()).toBe(0);
    // Nothing shows up twice, even after the retry delays have passed.
    await new Promise((r) => setTimeout(r, 300));
    expect(await effects()).toEqual(['S1', 'S2', 'S3']);
    expect(await dlq.count()).toBe(0);
  });

  it('a replay without the work queue keeps the dead letters; purge empties the DLQ', async () => {
    handlerState.broken = true;
    await publishEvents(amqpUrl, exchange, [enrolled('P1'), enrolled('P2')]);
    await expectEventually(async () => expect(await dlq.count()).toBe(2), { timeoutMs: 10_000 });
    // Replays go to the work queue: without it a replay fails clearly and keeps the dead letters.
    const conn = await amqp.connect(amqpUrl);
    const ch = await conn.createChannel();
    const lonely = `test.lonely.${suffix}`;
    await ch.assertQueue(deadLetterQueueName(lonely), { durable: true });
    ch.sendToQueue(deadLetterQueueName(lonely), Buffer.from('{}'), { messageId: 'L1', persistent: true });
    const orphan = await DeadLetterQueue.open({ url: amqpUrl, queue: lonely });
    await expect(orphan.replay('all')).rejects.toThrow(`queue "${lonely}" does not exist (is CONSUMER_QUEUE right?)`);
    await orphan.close();
    expect((await ch.checkQueue(deadLetterQueueName(lonely))).messageCount).toBe(1);
    await ch.deleteQueue(deadLetterQueueName(lonely));
    await conn.close();
    await expectEventually(async () => expect(await dlq.count()).toBe(2));

    expect(await dlq.purge()).toBe(2);
    expect(await dlq.count()).toBe(0);
    expect(await dlq.list()).toEqual([]);
    expect(deadLetterQueueName(queue)).toBe(dlq.dlq);
  });
});
