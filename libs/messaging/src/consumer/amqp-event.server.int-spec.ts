import { Controller, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { Client } from 'pg';
import { buildEvent, CloudEvent, StudentEnrolled } from '@chanjiao/contracts';
import { expectEventually, freshDatabase, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { drainQueue, publishEvents, publishRaw } from '@chanjiao/test-support';
import { AmqpEventContext, AmqpEventServer, EventTransaction, EventUnitOfWork, RethrowRpcErrors, deadLetterQueueName } from '../index';
import amqp from 'amqplib';

/** A minimal real unit of work: an inbox table and an effects table in PostgreSQL. */
class TestTransaction implements EventTransaction {
  readonly staged: CloudEvent[] = [];
  private readonly discarded: string[] = [];
  constructor(
    private readonly db: Client,
    private readonly fresh: Set<string>,
    private readonly uow: TestUnitOfWork,
  ) {}
  isFresh(id: string) {
    return this.fresh.has(id);
  }
  discard(id: string) {
    this.discarded.push(id);
  }
  async commit() {
    if (this.uow.commitDelayMs) await new Promise((r) => setTimeout(r, this.uow.commitDelayMs));
    if (this.uow.failNextCommits > 0) {
      this.uow.failNextCommits--;
      throw new Error('simulated crash before commit');
    }
    for (const e of this.staged) await this.db.query('INSERT INTO effects (event_id, student) VALUES ($1, $2)', [e.id, e.subject]);
    if (this.discarded.length) await this.db.query('DELETE FROM inbox WHERE id = ANY($1::uuid[])', [this.discarded]);
    await this.db.query('COMMIT');
    this.uow.release();
  }
  async rollback() {
    await this.db.query('ROLLBACK');
    this.uow.release();
  }
}

class TestUnitOfWork implements EventUnitOfWork<TestTransaction> {
  failNextCommits = 0;
  commitDelayMs = 0;
  private busy = Promise.resolve();
  private releaseBusy: () => void = () => undefined;
  constructor(readonly db: Client) {}
  release() {
    this.releaseBusy();
  }
  async begin(events: readonly CloudEvent[]) {
    await this.busy; // one connection: one transaction at a time
    this.busy = new Promise((r) => (this.releaseBusy = r));
    await this.db.query('BEGIN');
    const { rows } = await this.db.query<{ id: string }>(
      'INSERT INTO inbox (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id',
      [events.map((e) => e.id)],
    );
    return new TestTransaction(this.db, new Set(rows.map((r) => r.id)), this);
  }
}

const attempts = new Map<string, number[]>();

@UseFilters(RethrowRpcErrors)
@Controller()
class TestHandler {
  @EventPattern(StudentEnrolled.type)
  handle(@Payload() event: CloudEvent, @Ctx() context: unknown) {
    const ctx = context as AmqpEventContext<TestTransaction>;
    attempts.set(event.id, [...(attempts.get(event.id) ?? []), ctx.getAttempt()]);
    if (event.subject.startsWith('POISON')) throw new Error(`cannot project ${event.subject}`);
    ctx.getTransaction().staged.push(event);
  }
}

@Module({ controllers: [TestHandler] })
class TestModule {}

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

const windowMs = 50;

describe('AmqpEventServer (real RabbitMQ and PostgreSQL)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.events.${suffix}`;
  const queue = `test.consumer.${suffix}`;
  let db: Client;
  let drop: () => Promise<void>;
  let uow: TestUnitOfWork;
  let server: AmqpEventServer;
  let app: INestMicroservice;

  const effects = async () =>
    (await db.query<{ student: string }>('SELECT student FROM effects ORDER BY student')).rows.map((r) => r.student);

  beforeAll(async () => {
    const fresh = await freshDatabase('consumer');
    drop = fresh.drop;
    const setup = new Client({ connectionString: fresh.url });
    await setup.connect();
    await setup.query('CREATE TABLE inbox (id uuid PRIMARY KEY); CREATE TABLE effects (event_id uuid, student text)');
    await setup.end();
    db = new Client({ connectionString: fresh.url });
    await db.connect();
    uow = new TestUnitOfWork(db);
    server = new AmqpEventServer({
      url: amqpUrl,
      name: 'test-consumer',
      unitOfWork: uow,
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
    const conn = await amqp.connect(amqpUrl);
    const ch = await conn.createChannel();
    for (const q of [queue, `${queue}.dlq`, `${queue}.retry.1`, `${queue}.retry.2`]) await ch.deleteQueue(q);
    await ch.deleteExchange(exchange);
    await conn.close();
    await db?.end();
    await drop?.();
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

  it('messages that are not valid events go to the dead-letter queue with the reason', async () => {
    await publishRaw(amqpUrl, exchange, StudentEnrolled.type, 'not json');
    await publishRaw(amqpUrl, exchange, StudentEnrolled.type, JSON.stringify({ ...enrolled('X'), data: { studentId: 'X' } }));
    const dead = await expectEventually(async () => {
      const m = await drainQueue(amqpUrl, deadLetterQueueName(queue));
      expect(m).toHaveLength(2);
      return m;
    });
    expect(dead.map((m) => m.properties.headers?.['x-dead-letter-reason']).sort()).toEqual(['invalid_event', 'malformed_json']);
    expect(await effects()).toEqual([]);
  });
});
