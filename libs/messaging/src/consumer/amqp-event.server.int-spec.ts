import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { buildEvent, CloudEvent, StudentCancelled, StudentEnrolled } from '@chanjiao/contracts';
import { expectEventually, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import {
  deleteBrokerObjects,
  drainQueue,
  enrolledEvent,
  inboxDatabase,
  InboxTransaction,
  InboxUnitOfWork,
  publishEvents,
  publishRaw,
} from '@chanjiao/testing';
import { AmqpEventServer, EventApplier, deadLetterQueueName } from '../index';
import amqp from 'amqplib';
import type { AmqpConnectionManager } from 'amqp-connection-manager';

const attempts = new Map<string, number[]>();

const applier: EventApplier<InboxTransaction> = {
  types: [StudentEnrolled.type],
  apply(event, tx, attempt) {
    attempts.set(event.id, [...(attempts.get(event.id) ?? []), attempt]);
    if (event.subject.startsWith('POISON')) throw new Error(`cannot project ${event.subject}`);
    tx.staged.push(event);
  },
};

/** Nest only starts and stops the transport: the applier takes the events. */
@Module({})
class TestModule {}

const enrolled = enrolledEvent;

const windowMs = 50;

describe('AmqpEventServer (real RabbitMQ and PostgreSQL)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.events.${suffix}`;
  const queue = `test.consumer.${suffix}`;
  let store: Awaited<ReturnType<typeof inboxDatabase>>;
  let uow: InboxUnitOfWork;
  let db: InboxUnitOfWork['db'];
  let server: AmqpEventServer<InboxTransaction>;
  let app: INestMicroservice;

  const effects = () => uow.effects();

  beforeAll(async () => {
    store = await inboxDatabase('consumer');
    uow = store.uow;
    db = uow.db;
    server = new AmqpEventServer<InboxTransaction>({
      url: amqpUrl,
      name: 'test-consumer',
      unitOfWork: uow,
      applier,
      batchSize: 50,
      batchWindowMs: windowMs,
      topology: { exchange, queue, bindings: ['#'], retryDelaysMs: [100, 200], deliveryLimit: 20 },
    });
    app = await NestFactory.createMicroservice(TestModule, { strategy: server, logger: false });
    await app.listen();
    await server.waitForConsumer();
  });

  afterAll(async () => {
    await app?.close();
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    await store?.close();
  });

  beforeEach(async () => {
    await db.query('TRUNCATE inbox, effects');
    attempts.clear();
    uow.commitDelayMs = 0;
  });

  it('messages arriving while a batch commits never leave the consumer stalled', async () => {
    // Regression: a batch timer firing after the drain loop had already taken its message left the
    // loop marked as running forever; the consumer then stopped, its prefetch full.
    uow.commitDelayMs = 10;
    const conn = await amqp.connect(amqpUrl);
    const ch = await conn.createConfirmChannel();
    const send = async (e: CloudEvent) => {
      ch.publish(exchange, e.type, Buffer.from(JSON.stringify(e)), { persistent: true, messageId: e.id, type: e.type });
      await ch.waitForConfirms();
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      for (let round = 0; round < 6; round++) {
        await send(enrolled(`R${round}a`));
        await sleep(windowMs + 3); // lands while the first batch commits
        await send(enrolled(`R${round}b`));
        await sleep(windowMs * 3);
      }
      await send(enrolled('Rlast'));
      await expectEventually(async () => expect(await effects()).toHaveLength(13), { timeoutMs: 10_000 });
    } finally {
      await conn.close();
    }
  });

  it('a handler that throws is retried with backoff, then dead-lettered; the rest of its batch is applied', async () => {
    const [good1, poison, good2] = [enrolled('A1'), enrolled('POISON1'), enrolled('A2')];
    await publishEvents(amqpUrl, exchange, [good1, poison, good2]);
    await expectEventually(async () => expect(await effects()).toEqual(['A1', 'A2']));
    const deadLetters = await expectEventually(async () => {
      const m = await drainQueue(amqpUrl, deadLetterQueueName(queue));
      expect(m).toHaveLength(1);
      return m;
    });
    expect(attempts.get(poison.id)).toEqual([1, 2, 3]);
    expect(JSON.parse(deadLetters[0]!.content.toString())).toEqual(poison);
    expect(deadLetters[0]!.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'handler_failed',
      'x-original-routing-key': StudentEnrolled.type,
      'x-last-error': 'cannot project POISON1',
    });
    expect(deadLetters[0]!.properties.messageId).toBe(poison.id);
    // The poison event's inbox row was discarded, so a replay from the DLQ would apply it.
    expect((await db.query('SELECT 1 FROM inbox WHERE id = $1', [poison.id])).rowCount).toBe(0);
  });

  it('the same event delivered twice is applied once', async () => {
    const e = enrolled('D1');
    await publishEvents(amqpUrl, exchange, [e, e]);
    await expectEventually(async () => expect(await effects()).toEqual(['D1']));
    await publishEvents(amqpUrl, exchange, [e]);
    const duplicatesBefore = server.stats.duplicates;
    await expectEventually(() => expect(server.stats.duplicates).toBeGreaterThan(duplicatesBefore));
    expect(await effects()).toEqual(['D1']);
  });

  it('nothing is acknowledged before its effect commits: a failed commit loses no event', async () => {
    uow.failNextCommits = 1;
    const e = enrolled('C1');
    await publishEvents(amqpUrl, exchange, [e]);
    await expectEventually(async () => expect(await effects()).toEqual(['C1']));
    expect(attempts.get(e.id)).toEqual([1, 2]);
    expect(uow.failNextCommits).toBe(0);
  });

  it('a batch settled one by one is not acknowledged again: the consumer keeps its channel and connection', async () => {
    // Naming an acked delivery tag again makes RabbitMQ close the channel (406), and the consumer reconnects.
    const disconnects: unknown[] = [];
    const onDisconnect = (e: unknown) => disconnects.push(e);
    server.unwrap<AmqpConnectionManager>().on('disconnect', onDisconnect);
    try {
      uow.failNextCommits = 1;
      const [a, b] = [enrolled('D1'), enrolled('D2')];
      await publishEvents(amqpUrl, exchange, [a, b]);
      await expectEventually(async () => expect((await effects()).sort()).toEqual(['D1', 'D2']));
      const c = enrolled('D3');
      await publishEvents(amqpUrl, exchange, [c]);
      await expectEventually(async () => expect((await effects()).sort()).toEqual(['D1', 'D2', 'D3']));
      expect(attempts.get(c.id)).toEqual([1]);
      expect(disconnects).toEqual([]);
    } finally {
      server.unwrap<AmqpConnectionManager>().removeListener('disconnect', onDisconnect);
    }
  });

  it('messages that are not valid events go to the dead-letter queue with the reason', async () => {
    await publishRaw(amqpUrl, exchange, StudentEnrolled.type, 'not json');
    await publishRaw(amqpUrl, exchange, StudentEnrolled.type, JSON.stringify({ ...enrolled('X'), data: { studentId: 'X' } }));
    // The two may be dead-lettered in different batches: keep what each poll drains (it removes them).
    const dead: Awaited<ReturnType<typeof drainQueue>> = [];
    await expectEventually(async () => {
      dead.push(...(await drainQueue(amqpUrl, deadLetterQueueName(queue))));
      expect(dead).toHaveLength(2);
    });
    expect(dead.map((m) => m.properties.headers?.['x-dead-letter-reason']).sort()).toEqual(['invalid_event', 'malformed_json']);
    expect(await effects()).toEqual([]);
  });

  it('a type the applier does not name is dead-lettered (no_handler) without reaching it; the rest of its batch is applied', async () => {
    const cancelled = buildEvent(StudentCancelled, {
      institution: 'TEST',
      subject: 'N1',
      sequence: 2,
      data: { studentId: 'N1', date: '2022-09-01' },
    });
    await publishEvents(amqpUrl, exchange, [enrolled('N1'), cancelled, enrolled('N2')]);
    await expectEventually(async () => expect(await effects()).toEqual(['N1', 'N2']));
    const dead = await expectEventually(async () => {
      const m = await drainQueue(amqpUrl, deadLetterQueueName(queue));
      expect(m).toHaveLength(1);
      return m;
    });
    expect(dead[0]!.properties).toMatchObject({ messageId: cancelled.id, headers: { 'x-dead-letter-reason': 'no_handler' } });
    expect(attempts.has(cancelled.id)).toBe(false);
  });
});
