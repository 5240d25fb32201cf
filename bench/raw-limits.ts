import amqp from 'amqplib';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Client, Pool } from 'pg';
import { startCpuMeter } from './cpu';

/** Raw limits of the parts, measured with plain clients: the denominators of the benchmark's ratios. */

const debug = (line: string) => process.env.BENCH_DEBUG && process.stderr.write(`  ${line}\n`);

export interface RawChain {
  publishPerSec: number;
  consumePerSec: number;
  insertPerSec: number;
  chainPerSec: number;
  /**
   * CPU of every process on the box per event of the chain (this process is the 'load generator'): what the
   * contract's least work costs, against the pipeline's CPU per event in the same run.
   */
  chainCpuMicrosPerEvent: Record<string, number>;
  chainPageFaultsPerEvent: Record<string, number>;
}

const eventBody = (i: number) =>
  Buffer.from(
    JSON.stringify({
      specversion: '1.0',
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      source: '/chanjiao/enrollment',
      type: 'enrollment.student.enrolled.v1',
      subject: `S${i}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      institution: 'BENCH',
      sequence: 1,
      data: { studentId: `S${i}`, programCode: 'P1', cohortYear: 2022, level: 'higher_vocational', pathway: 'regular' },
    }),
  );

type Publish = (ch: amqp.ConfirmChannel, i: number) => void;

/** Persistent publishes with confirms per batch of 1,000 into a quorum queue. */
async function publishAll(ch: amqp.ConfirmChannel, queue: string, n: number, publish?: Publish): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i += 1000) {
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      if (publish) publish(ch, j);
      else ch.sendToQueue(queue, eventBody(j), { persistent: true, contentType: 'application/json' });
    }
    await ch.waitForConfirms();
  }
  return (n / (performance.now() - t)) * 1000;
}

/** Consumes with prefetch 2,000, acking every 1,000 (multiple); `onBatch` may write them somewhere first. */
async function consumeAll(ch: amqp.Channel, queue: string, n: number, onBatch?: (bodies: Buffer[]) => Promise<void>): Promise<number> {
  await ch.prefetch(2000);
  let seen = 0;
  let pending: amqp.ConsumeMessage[] = [];
  const t = performance.now();
  let busy = Promise.resolve();
  await new Promise<void>((resolve) => {
    const flush = () => {
      const batch = pending;
      pending = [];
      busy = busy.then(async () => {
        if (onBatch) await onBatch(batch.map((m) => m.content));
        ch.ack(batch[batch.length - 1]!, true);
        seen += batch.length;
        if (seen >= n) resolve();
      });
    };
    let timer: NodeJS.Timeout | undefined;
    void ch.consume(queue, (m) => {
      if (!m) return;
      pending.push(m);
      if (pending.length >= 1000) flush();
      else {
        clearTimeout(timer);
        timer = setTimeout(() => pending.length && flush(), 20);
      }
    });
  });
  const perSec = (n / (performance.now() - t)) * 1000;
  await ch.close(); // a consumer left on the queue would take half of the next run's messages
  return perSec;
}

async function insertAll(pool: Pool, table: string, bodies: Buffer[]): Promise<void> {
  await pool.query(
    `INSERT INTO ${table} (id, body) SELECT (e->>'id')::uuid, e FROM jsonb_array_elements($1::jsonb) e ON CONFLICT DO NOTHING`,
    [`[${bodies.map((b) => b.toString()).join(',')}]`],
  );
}

export async function measureRawChain(amqpUrl: string, pgUrl: string, n: number): Promise<RawChain> {
  const conn = await amqp.connect(amqpUrl);
  const ch = await conn.createConfirmChannel();
  const q = `bench.raw.${process.pid}`;
  const pool = new Pool({ connectionString: pgUrl, max: 4 });
  const table = `bench_raw_${process.pid}`;
  try {
    await pool.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, body jsonb)`);
    await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const publishPerSec = await publishAll(ch, q, n);
    debug(`published ${n}`);
    const consumePerSec = await consumeAll(await conn.createChannel(), q, n);
    debug(`consumed ${n}`);
    // Insert alone: the same events in batches of 1,000.
    const bodies = Array.from({ length: n }, (_, i) => eventBody(i));
    await pool.query(`TRUNCATE ${table}`);
    let t = performance.now();
    for (let i = 0; i < n; i += 1000) await insertAll(pool, table, bodies.slice(i, i + 1000));
    const insertPerSec = (n / (performance.now() - t)) * 1000;
    debug(`inserted ${n}`);
    // The chain: publish while a consumer writes each batch to PostgreSQL before acking.
    await pool.query(`TRUNCATE ${table}`);
    const meter = startCpuMeter(() => ({}));
    t = performance.now();
    const consumer = consumeAll(await conn.createChannel(), q, n, (b) => insertAll(pool, table, b));
    await publishAll(ch, q, n);
    await consumer;
    const chainPerSec = (n / (performance.now() - t)) * 1000;
    return {
      publishPerSec,
      consumePerSec,
      insertPerSec,
      chainPerSec,
      chainCpuMicrosPerEvent: meter.microsPer(n),
      chainPageFaultsPerEvent: meter.faultsPer(n),
    };
  } finally {
    await ch.deleteQueue(q).catch(() => undefined);
    await conn.close().catch(() => undefined);
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await pool.end();
  }
}

/** What autocannon measured, and the box's CPU and page faults per request `answered` (by default the 2xx ones) since `meter` started. */
export function loadFigures(r: autocannon.Result, meter: ReturnType<typeof startCpuMeter>, answered = r['2xx']) {
  return {
    requestsPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    cpu: meter.microsPer(answered),
    faults: meter.faultsPer(answered),
  };
}

/** A minimal Fastify endpoint doing one insert per request, under autocannon. */
export async function measureMinimalEndpoint(
  pgUrl: string,
  seconds: number,
): Promise<{
  requestsPerSec: number;
  p50: number;
  p99: number;
  cpuMicrosPerRequest: Record<string, number>;
  pageFaultsPerRequest: Record<string, number>;
}> {
  const pool = new Pool({ connectionString: pgUrl, max: 10 });
  const table = `bench_min_${process.pid}`;
  await pool.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, body jsonb)`);
  const app = Fastify();
  app.post('/items', async (req) => {
    await pool.query(`INSERT INTO ${table} (body) VALUES ($1)`, [JSON.stringify(req.body)]);
    return { ok: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  try {
    // The endpoint and autocannon share this process ('load generator').
    const meter = startCpuMeter(() => ({}));
    const r = await autocannon({
      url: `http://127.0.0.1:${port}/items`,
      method: 'POST',
      connections: 50,
      duration: seconds,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ studentId: 'S1', programCode: 'P1', cohortYear: 2022 }),
    });
    const { requestsPerSec, p50, p99, cpu, faults } = loadFigures(r, meter, r.requests.total);
    return { requestsPerSec, p50, p99, cpuMicrosPerRequest: cpu, pageFaultsPerRequest: faults };
  } finally {
    await app.close();
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  }
}

export async function pgReachable(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.end();
}

/** RabbitMQ's CPU per message in the raw chain's exchange of messages, and as DESIGN.md §2 has events published. */
export interface BrokerCosts {
  /** The raw chain's messages: the default exchange, `persistent` and `contentType` only. */
  rawMessages: number;
  /** The same with the properties DESIGN.md asks for (messageId, type, timestamp, appId) and a `traceparent` header. */
  contractProperties: number;
  /** Those, published to a topic exchange (as `chanjiao.events` is) that routes them to the queue. */
  contractPropertiesAndTopicExchange: number;
}

/**
 * What the contract's properties and topic exchange add to RabbitMQ's work per message: `n` messages through a quorum
 * queue, published in confirmed batches of 1,000 while a consumer acks them in batches (the raw chain without its
 * insert), in each of three forms; RabbitMQ's CPU per message in each.
 */
export async function measureBrokerCosts(amqpUrl: string, n: number): Promise<BrokerCosts> {
  const conn = await amqp.connect(amqpUrl);
  const ch = await conn.createConfirmChannel();
  const q = `bench.broker.${process.pid}`;
  const exchange = `bench.broker.${process.pid}`;
  const time = new Date().toISOString();
  const contract = (i: number): amqp.Options.Publish => ({
    persistent: true,
    messageId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'enrollment.student.enrolled.v1',
    contentType: 'application/cloudevents+json',
    timestamp: Math.floor(Date.parse(time) / 1000),
    appId: 'enrollment',
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  });
  const forms: Record<keyof BrokerCosts, Publish | undefined> = {
    rawMessages: undefined,
    contractProperties: (c, i) => c.sendToQueue(q, eventBody(i), contract(i)),
    contractPropertiesAndTopicExchange: (c, i) => c.publish(exchange, 'enrollment.student.enrolled.v1', eventBody(i), contract(i)),
  };
  const out = {} as BrokerCosts;
  try {
    await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await ch.assertExchange(exchange, 'topic', { durable: true });
    await ch.bindQueue(q, exchange, '#');
    for (const [form, publish] of Object.entries(forms) as Array<[keyof BrokerCosts, Publish | undefined]>) {
      const meter = startCpuMeter(() => ({}));
      const consumer = consumeAll(await conn.createChannel(), q, n);
      await publishAll(ch, q, n, publish);
      await consumer;
      out[form] = meter.microsPer(n).rabbitmq ?? 0;
      debug(`broker: ${form} ${out[form]} µs per message`);
    }
    return out;
  } finally {
    await ch.deleteQueue(q).catch(() => undefined);
    await ch.deleteExchange(exchange).catch(() => undefined);
    await conn.close().catch(() => undefined);
  }
}
