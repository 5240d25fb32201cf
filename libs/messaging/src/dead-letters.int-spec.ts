import { Controller, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import amqp from 'amqplib';
import { Client } from 'pg';
import { buildEvent, CloudEvent, StudentEnrolled } from '@chanjiao/contracts';
import { expectEventually, freshDatabase, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { publishEvents } from '@chanjiao/test-support';
import {
  AmqpEventContext,
  AmqpEventServer,
  DeadLetterError,
  DeadLetterQueue,
  deadLetterQueueName,
  EventTransaction,
  EventUnitOfWork,
  RethrowRpcErrors,
} from './index';

/** A real unit of work: inbox + effects tables in PostgreSQL, one transaction at a time. */
class TestTransaction implements EventTransaction {
  readonly staged: CloudEvent[] = [];
  private readonly discarded: string[] = [];
  constructor(
    private readonly db: Client,
    private readonly fresh: Set<string>,
    private readonly release: () => void,
  ) {}
  isFresh(id: string) {
    return this.fresh.has(id);
  }
  discard(id: string) {
    this.discarded.push(id);
  }
  async commit() {
    for (const e of this.staged) await this.db.query('INSERT INTO effects (event_id, student) VALUES ($1, $2)', [e.id, e.subject]);
    if (this.discarded.length) await this.db.query('DELETE FROM inbox WHERE id = ANY($1::uuid[])', [this.discarded]);
    await this.db.query('COMMIT');
    this.release();
  }
  async rollback() {
    await this.db.query('ROLLBACK');
    this.release();
  }
}

class TestUnitOfWork implements EventUnitOfWork<TestTransaction> {
  private busy = Promise.resolve();
  constructor(readonly db: Client) {}
  async begin(events: readonly CloudEvent[]) {
    await this.busy;
    let release: () => void = () => undefined;
    this.busy = new Promise((r) => (release = r));
    await this.db.query('BEGIN');
    const { rows } = await this.db.query<{ id: string }>(
      'INSERT INTO inbox (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id',
      [events.map((e) => e.id)],
    );
    return new TestTransaction(this.db, new Set(rows.map((r) => r.id)), release);
  }
}

/** The handler is "broken" until the test fixes it. */
const handlerState = { broken: true, attempts: new Map<string, number[]>() };

@UseFilters(RethrowRpcErrors)
@Controller()
class FlakyHandler {
  @EventPattern(StudentEnrolled.type)
  handle(@Payload() event: CloudEvent, @Ctx() context: unknown) {
    const ctx = context as AmqpEventContext<TestTransaction>;
    handlerState.attempts.set(event.id, [...(handlerState.attempts.get(event.id) ?? []), ctx.getAttempt()]);
    if (handlerState.broken) throw new Error(`projection bug on ${event.subject}`);
    ctx.getTransaction().staged.push(event);
  }
}

@Module({ controllers: [FlakyHandler] })
class FlakyModule {}

const enrolled = (studentId: string) =>
  buildEvent(StudentEnrolled, {
    institution: 'TEST',
    subject: studentId,
    sequence: 1,
    data: {
      studentId,
      programCode: 'P1',
      cohortYear: 2022,
      level: 'secondary',
      pathway: 'regular',
      partnerInstitution: null,
      orderClassId: null,
      apprenticeship: false,
      originRegion: null,
    },
  });

describe('DeadLetterQueue (real RabbitMQ and PostgreSQL)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.events.${suffix}`;
  const queue = `test.dlq.${suffix}`;
  let db: Client;
  let drop: () => Promise<void>;
  let app: INestMicroservice;
  let dlq: DeadLetterQueue;

  const effects = async () =>
    (await db.query<{ student: string }>('SELECT student FROM effects ORDER BY student')).rows.map((r) => r.student);

  beforeAll(async () => {
    const fresh = await freshDatabase('deadletters');
    drop = fresh.drop;
    db = new Client({ connectionString: fresh.url });
    await db.connect();
    await db.query('CREATE TABLE inbox (id uuid PRIMARY KEY); CREATE TABLE effects (event_id uuid, student text)');
    const server = new AmqpEventServer({
      url: amqpUrl,
      name: 'test-dlq-consumer',
      unitOfWork: new TestUnitOfWork(db),
      batchSize: 50,
      batchWindowMs: 20,
      topology: { exchange, queue, bindings: ['#'], retryDelaysMs: [50, 100], deliveryLimit: 20 },
    });
    app = await NestFactory.createMicroservice(FlakyModule, { strategy: server, logger: false });
    await app.listen();
    await server.waitForConsumer();
    dlq = await DeadLetterQueue.open({ url: amqpUrl, queue, exchange });
  });

  afterAll(async () => {
    await dlq?.close();
    await app?.close();
    const conn = await amqp.connect(amqpUrl);
    const ch = await conn.createChannel();
    for (const q of [queue, `${queue}.dlq`, `${queue}.retry.1`, `${queue}.retry.2`]) await ch.deleteQueue(q);
    await ch.deleteExchange(exchange);
    await conn.close();
    await db?.end();
    await drop?.();
  });

  it('opening the DLQ of a queue that does not exist fails clearly', async () => {
    await expect(DeadLetterQueue.open({ url: amqpUrl, queue: `missing.${suffix}`, exchange })).rejects.toThrow(
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
    expect(await dlq.replay([events[1]!.id])).toEqual({ replayed: [events[1]!.id], skipped: [] });
    expect(await dlq.count()).toBe(2);
    // The remaining two keep their order.
    expect((await dlq.list()).map((m) => m.messageId)).toEqual(order.filter((id) => id !== events[1]!.id));
    await expectEventually(async () => expect(await effects()).toEqual(['S2']));
    // x-attempt was stripped: the replay is a first attempt with a fresh set of retries.
    expect(handlerState.attempts.get(events[1]!.id)!.slice(attemptsBefore)).toEqual([1]);

    await expect(dlq.replay(['no-such-id'])).rejects.toThrow(DeadLetterError);
    expect(await dlq.count()).toBe(2);

    const all = await dlq.replay('all');
    expect(all.replayed.sort()).toEqual([events[0]!.id, events[2]!.id].sort());
    await expectEventually(async () => expect(await effects()).toEqual(['S1', 'S2', 'S3']));
    expect(await dlq.count()).toBe(0);
    // Nothing shows up twice, even after the retry delays have passed.
    await new Promise((r) => setTimeout(r, 300));
    expect(await effects()).toEqual(['S1', 'S2', 'S3']);
    expect(await dlq.count()).toBe(0);
  });

  it('replays that cannot be delivered keep the dead letters; purge empties the DLQ', async () => {
    handlerState.broken = true;
    await publishEvents(amqpUrl, exchange, [enrolled('P1'), enrolled('P2')]);
    await expectEventually(async () => expect(await dlq.count()).toBe(2), { timeoutMs: 10_000 });
    // A wrong exchange fails clearly; an exchange no queue is bound to sends the events back: both keep them.
    const wrong = await DeadLetterQueue.open({ url: amqpUrl, queue, exchange: `missing.${suffix}` });
    await expect(wrong.replay('all')).rejects.toThrow(/does not exist/);
    await wrong.close();
    const conn = await amqp.connect(amqpUrl);
    const ch = await conn.createChannel();
    await ch.assertExchange(`test.unbound.${suffix}`, 'topic', { durable: false, autoDelete: true });
    const unbound = await DeadLetterQueue.open({ url: amqpUrl, queue, exchange: `test.unbound.${suffix}` });
    const result = await unbound.replay('all');
    await unbound.close();
    await ch.deleteExchange(`test.unbound.${suffix}`);
    await conn.close();
    expect(result.replayed).toEqual([]);
    expect(result.skipped).toHaveLength(2);
    expect(result.skipped[0]!.error).toMatch(/no queue is bound/);
    await expectEventually(async () => expect(await dlq.count()).toBe(2));

    expect(await dlq.purge()).toBe(2);
    expect(await dlq.count()).toBe(0);
    expect(await dlq.list()).toEqual([]);
    expect(deadLetterQueueName(queue)).toBe(dlq.dlq);
  });
});
