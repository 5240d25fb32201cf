import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { dirname, join } from 'node:path';
import amqp from 'amqplib';
import { Pool, PoolClient } from 'pg';
import { CloudEvent, StudentEnrolled } from '@chanjiao/contracts';
import { expectEventually, freshDatabase, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { deleteBrokerObjects, enrolledEvent, publishEvents } from '@chanjiao/testing';
import { AmqpEventServer, EventTransaction, EventUnitOfWork } from '../index';

/** Commits and acks (tag, multiple) in the order they happened. */
const timeline: string[] = [];
// The real channel's ack, observed: which deliveries were settled, and when.
// (amqplib's package exports hide lib/, so it is required by path.)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Channel } = require(join(dirname(require.resolve('amqplib')), 'lib', 'channel_model.js')) as {
  Channel: { prototype: { ack: (m: amqp.Message, all?: boolean) => void } };
};
const realAck = Channel.prototype.ack;
Channel.prototype.ack = function (this: unknown, message: amqp.Message, allUpTo?: boolean) {
  timeline.push(`ack ${message.fields.deliveryTag}${allUpTo ? ' and all before' : ''}`);
  return realAck.call(this, message, allUpTo);
};

/** Transactions on a pool, so batches really overlap; the first batch's commit is held back, or fails once. */
class PooledTransaction implements EventTransaction {
  readonly staged: CloudEvent[] = [];
  constructor(
    private readonly client: PoolClient,
    private readonly fresh: Set<string>,
    private readonly uow: PooledUnitOfWork,
    private readonly first: string,
  ) {}
  isFresh(id: string) {
    return this.fresh.has(id);
  }
  discard() {}
  async commit() {
    if (this.uow.holdFirst && this.uow.commits.length === 0 && this.first === this.uow.holdFirst)
      await new Promise((r) => setTimeout(r, 400));
    if (this.first === this.uow.failOnce) {
      this.uow.failOnce = undefined;
      await new Promise((r) => setTimeout(r, 200));
      throw new Error(`commit of the batch of ${this.first} failed`);
    }
    for (const e of this.staged) await this.client.query('INSERT INTO effects (student) VALUES ($1)', [e.subject]);
    await this.client.query('COMMIT');
    this.uow.commits.push(this.first);
    timeline.push(`commit ${this.first}`);
    this.client.release();
  }
  async rollback() {
    await this.client.query('ROLLBACK');
    this.client.release();
  }
}

class PooledUnitOfWork implements EventUnitOfWork<PooledTransaction> {
  readonly commits: string[] = [];
  holdFirst?: string;
  failOnce?: string;
  /** Every batch locks the same row first, as batches touching the same read model do. */
  lockHotRow = false;
  constructor(readonly pool: Pool) {}
  async begin(events: readonly CloudEvent[]) {
    const client = await this.pool.connect();
    await client.query('BEGIN');
    if (this.lockHotRow) await client.query('SELECT * FROM hot WHERE id = 1 FOR UPDATE');
    timeline.push(`begin ${events[0]!.subject}`);
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO inbox (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id',
      [events.map((e) => e.id)],
    );
    return new PooledTransaction(client, new Set(rows.map((r) => r.id)), this, events[0]!.subject);
  }
}

/** Nest only starts and stops the transport: the server's applier takes the events. */
@Module({})
class StagingModule {}

describe('AmqpEventServer with two batches in flight (real RabbitMQ and PostgreSQL)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.events.${suffix}`;
  const queue = `test.concurrent.${suffix}`;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let pool: Pool;
  let uow: PooledUnitOfWork;
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    db = await freshDatabase('concurrent');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await pool.query(
      'CREATE TABLE inbox (id uuid PRIMARY KEY); CREATE TABLE effects (student text); CREATE TABLE hot (id int PRIMARY KEY); INSERT INTO hot VALUES (1)',
    );
    uow = new PooledUnitOfWork(pool);
    const server = new AmqpEventServer<PooledTransaction>({
      url: amqpUrl,
      name: 'test-concurrent-consumer',
      unitOfWork: uow,
      applier: { types: [StudentEnrolled.type], apply: (event, tx) => void tx.staged.push(event) },
      batchSize: 5,
      batchWindowMs: 10,
      concurrency: 2,
      topology: { exchange, queue, bindings: ['#'], retryDelaysMs: [100], deliveryLimit: 20 },
    });
    app = await NestFactory.createMicroservice(StagingModule, { strategy: server, logger: false });
    await app.listen();
    await server.waitForConsumer();
  });

  afterAll(async () => {
    await app?.close();
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    await pool?.end();
    await db?.drop();
  });

  beforeEach(async () => {
    timeline.length = 0;
    uow.commits.length = 0;
    await pool.query('TRUNCATE inbox, effects');
  });

  const effects = async () =>
    (await pool.query<{ student: string }>('SELECT student FROM effects ORDER BY student')).rows.map((r) => r.student);

  it('the next batch begins while one commits, yet commits after it; acks go out in delivery order', async () => {
    const events = Array.from({ length: 20 }, (_, i) => enrolledEvent(`S${String(i).padStart(2, '0')}`));
    uow.holdFirst = 'S00';
    await publishEvents(amqpUrl, exchange, events);
    await expectEventually(async () => expect(await effects()).toHaveLength(20));
    uow.holdFirst = undefined;
    // Batches commit in delivery order (a report never shows an event before an earlier one)...
    expect(uow.commits[0]).toBe('S00');
    expect([...uow.commits].sort()).toEqual(uow.commits);
    // ...while the next one had begun before the first committed: they overlapped.
    const held = timeline.indexOf('commit S00');
    expect(timeline.slice(0, held).filter((t) => t.startsWith('begin'))).toEqual(['begin S00', `begin ${uow.commits[1]}`]);
    // Nothing covering the first batch's deliveries was acked before its commit.
    expect(timeline.slice(0, held).filter((t) => t.startsWith('ack'))).toEqual([]);
    expect(timeline.slice(held + 1).some((t) => /^ack \d+ and all before$/.test(t))).toBe(true);
    expect(await effects()).toEqual(events.map((e) => e.subject));
  });

  it('a batch whose commit fails runs again alone: the next one, waiting on its locks, rolls back first (no deadlock)', async () => {
    const events = Array.from({ length: 10 }, (_, i) => enrolledEvent(`F${String(i).padStart(2, '0')}`));
    uow.lockHotRow = true;
    uow.failOnce = 'F00';
    try {
      await publishEvents(amqpUrl, exchange, events);
      await expectEventually(async () => expect(await effects()).toHaveLength(10));
    } finally {
      uow.lockHotRow = false;
    }
    expect(uow.failOnce).toBeUndefined();
    expect(await effects()).toEqual(events.map((e) => e.subject));
    // The failed batch went one by one, each event in its own transaction, before anything after it committed.
    expect(uow.commits.slice(0, 5)).toEqual(['F00', 'F01', 'F02', 'F03', 'F04']);
    expect([...uow.commits].sort()).toEqual(uow.commits);
  });

  it('closing the consumer leaves nothing unacked behind', async () => {
    const events = Array.from({ length: 20 }, (_, i) => enrolledEvent(`C${String(i).padStart(2, '0')}`));
    await publishEvents(amqpUrl, exchange, events);
    await expectEventually(async () => expect(await effects()).toHaveLength(20));
    // Closing the consumer returns anything unacked to the queue: nothing may come back.
    await app!.close();
    app = undefined;
    const conn = await amqp.connect(amqpUrl);
    try {
      const ch = await conn.createChannel();
      expect((await ch.checkQueue(queue)).messageCount).toBe(0);
    } finally {
      await conn.close();
    }
  });
});
