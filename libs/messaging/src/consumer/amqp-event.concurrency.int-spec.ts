import { Controller, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { dirname, join } from 'node:path';
import amqp from 'amqplib';
import { Pool, PoolClient } from 'pg';
import { CloudEvent, StudentEnrolled } from '@chanjiao/contracts';
import { expectEventually, freshDatabase, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { deleteBrokerObjects, enrolledEvent, publishEvents } from '@chanjiao/test-support';
import { AmqpEventContext, AmqpEventServer, EventTransaction, EventUnitOfWork, RethrowRpcErrors } from '../index';

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

/** Transactions on a pool, so batches really overlap; the first batch's commit is held back. */
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
  constructor(readonly pool: Pool) {}
  async begin(events: readonly CloudEvent[]) {
    const client = await this.pool.connect();
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO inbox (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id',
      [events.map((e) => e.id)],
    );
    return new PooledTransaction(client, new Set(rows.map((r) => r.id)), this, events[0]!.subject);
  }
}

@UseFilters(RethrowRpcErrors)
@Controller()
class StagingHandler {
  @EventPattern(StudentEnrolled.type)
  handle(@Payload() event: CloudEvent, @Ctx() context: unknown) {
    (context as AmqpEventContext<PooledTransaction>).getTransaction().staged.push(event);
  }
}

@Module({ controllers: [StagingHandler] })
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
    await pool.query('CREATE TABLE inbox (id uuid PRIMARY KEY); CREATE TABLE effects (student text)');
    uow = new PooledUnitOfWork(pool);
    const server = new AmqpEventServer({
      url: amqpUrl,
      name: 'test-concurrent-consumer',
      unitOfWork: uow,
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

  it('a later batch may commit first; acks still go out in delivery order and nothing stays unacked', async () => {
    const events = Array.from({ length: 20 }, (_, i) => enrolledEvent(`S${String(i).padStart(2, '0')}`));
    uow.holdFirst = 'S00';
    await publishEvents(amqpUrl, exchange, events);
    await expectEventually(async () => expect((await pool.query('SELECT count(*)::int AS n FROM effects')).rows[0].n).toBe(20));
    // The first batch was held back while the next one committed: they overlapped.
    expect(uow.commits[0]).not.toBe('S00');
    expect(uow.commits).toContain('S00');
    // Nothing covering the first batch's deliveries (tags 1-5) was acked before its commit.
    const held = timeline.indexOf('commit S00');
    const early = timeline.slice(0, held).filter((t) => t.startsWith('ack'));
    expect(early).toEqual([]);
    expect(timeline.slice(held + 1).some((t) => /^ack \d+ and all before$/.test(t))).toBe(true);
    const { rows } = await pool.query<{ student: string }>('SELECT student FROM effects ORDER BY student');
    expect(rows.map((r) => r.student)).toEqual(events.map((e) => e.subject));
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
