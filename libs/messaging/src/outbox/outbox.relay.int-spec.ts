import amqp from 'amqplib';
import { Client } from 'pg';
import type { CloudEvent } from '@chanjiao/contracts';
import { expectEventually, freshDatabase, TcpProxy, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { deleteBrokerObjects, enrolledEvent } from '@chanjiao/test-support';
import { connectAmqp } from '../amqp-connection';
import { OutboxRelay } from './outbox.relay';
import { outboxStatements } from './outbox.writer';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const event = (subject: string): CloudEvent => ({ ...enrolledEvent(subject), traceparent: TRACEPARENT });

/**
 * The relay fetches the rows a local commit hands it by id, and still finds rows nobody told it about
 * (another instance's, or a hint lost in a crash) by scanning the pending list every few seconds, even
 * while hints keep it busy.
 */
describe('OutboxRelay (real PostgreSQL and RabbitMQ)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.relay.${suffix}`;
  const queue = `test.relay.${suffix}`;
  let db: { url: string; drop: () => Promise<void> };
  let sql: Client;
  let relay: OutboxRelay;
  let manager: ReturnType<typeof connectAmqp>;
  let conn: amqp.ChannelModel;
  let ch: amqp.Channel;
  const received: amqp.ConsumeMessage[] = [];

  // Written as the services write it (a pg client in place of their EntityManager).
  const insert = async (events: CloudEvent[]) => {
    const ids: string[] = [];
    for (const [q, p] of outboxStatements(events)) ids.push(...(await sql.query<{ id: string }>(q, p)).rows.map((r) => r.id));
    return ids;
  };
  const subjects = () => received.map((m) => (JSON.parse(m.content.toString()) as CloudEvent).subject);

  beforeAll(async () => {
    db = await freshDatabase('relay');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(`CREATE TABLE outbox (id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, routing_key text NOT NULL,
      payload json NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await sql.query(`CREATE TABLE outbox_pending (id bigint PRIMARY KEY)`);
    conn = await amqp.connect(amqpUrl);
    ch = await conn.createChannel();
    await ch.assertExchange(exchange, 'topic', { durable: true });
    await ch.assertQueue(queue, { durable: false });
    await ch.bindQueue(queue, exchange, '#');
    await ch.consume(queue, (m) => m && received.push(m), { noAck: true });
    manager = connectAmqp(amqpUrl, `relay-test-${suffix}`);
    // An idle re-check far beyond the test: only hints and the periodic full scan can find rows.
    relay = new OutboxRelay({
      databaseUrl: db.url,
      amqp: manager,
      exchange,
      appId: 'relay-test',
      idleRecheckMs: 600_000,
      fullScanEveryMs: 300,
    });
    relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await manager?.close();
    await conn?.close();
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    await sql?.end();
    await db?.drop();
  });

  it('publishes hinted rows with the event time and trace, and takes them off the pending list', async () => {
    const events = [event('H1'), event('H2')];
    relay.kick(await insert(events));
    await expectEventually(() => expect(subjects()).toEqual(['H1', 'H2']));
    const first = received[0]!;
    expect(first.properties.messageId).toBe(events[0]!.id);
    expect(first.properties.timestamp).toBe(Math.floor(Date.parse(events[0]!.time) / 1000));
    expect(first.properties.headers?.traceparent).toBe(events[0]!.traceparent);
    // Marked after the broker's confirm, so a moment after the messages arrive.
    await expectEventually(async () => {
      const { rows } = await sql.query(`SELECT count(*)::int AS n FROM outbox_pending`);
      expect(rows[0].n).toBe(0);
    });
  });

  it('finds an unhinted row by the periodic full scan while hints keep it busy', async () => {
    await insert([event('ORPHAN')]);
    let n = 0;
    const busy = setInterval(() => void insert([event(`B${n++}`)]).then((ids) => relay.kick(ids)), 50);
    try {
      await expectEventually(() => expect(subjects()).toContain('ORPHAN'), { timeoutMs: 5000 });
    } finally {
      clearInterval(busy);
    }
    await expectEventually(async () => {
      const { rows } = await sql.query(`SELECT count(*)::int AS n FROM outbox_pending`);
      expect(rows[0].n).toBe(0);
    });
    expect(new Set(subjects()).size).toBe(received.length); // nothing twice
  });
});

/** While a batch waits for its confirms, the next is claimed and published; rows leave the pending list only once confirmed. */
describe('OutboxRelay with confirms held back (real PostgreSQL and RabbitMQ)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.relay-inflight.${suffix}`;
  const queue = `test.relay-inflight.${suffix}`;
  let db: { url: string; drop: () => Promise<void> };
  let sql: Client;
  let proxy: TcpProxy;
  let manager: ReturnType<typeof connectAmqp>;
  let relay: OutboxRelay;
  let conn: amqp.ChannelModel;
  const received: string[] = [];
  const pending = async () => (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_pending`)).rows[0]!.n;
  const insert = async (events: CloudEvent[]) => {
    const ids: string[] = [];
    for (const [q, p] of outboxStatements(events)) ids.push(...(await sql.query<{ id: string }>(q, p)).rows.map((r) => r.id));
    return ids;
  };

  beforeAll(async () => {
    db = await freshDatabase('relay_inflight');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(`CREATE TABLE outbox (id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, routing_key text NOT NULL,
      payload json NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await sql.query(`CREATE TABLE outbox_pending (id bigint PRIMARY KEY)`);
    conn = await amqp.connect(amqpUrl);
    const ch = await conn.createChannel();
    await ch.assertExchange(exchange, 'topic', { durable: true });
    await ch.assertQueue(queue, { durable: false });
    await ch.bindQueue(queue, exchange, '#');
    await ch.consume(queue, (m) => m && received.push((JSON.parse(m.content.toString()) as CloudEvent).subject), { noAck: true });
    const broker = new URL(amqpUrl);
    proxy = await new TcpProxy(broker.hostname, Number(broker.port || 5672)).start();
    broker.host = `127.0.0.1:${proxy.port}`;
    manager = connectAmqp(broker.toString(), `relay-inflight-${suffix}`);
    relay = new OutboxRelay({ databaseUrl: db.url, amqp: manager, exchange, appId: 'relay-test', batchSize: 5, maxInFlight: 2 });
    relay.start();
    relay.kick(await insert([event('WARM')]));
    await expectEventually(async () => expect(await pending()).toBe(0));
  });
  afterAll(async () => {
    proxy?.release();
    await relay?.stop();
    await manager?.close();
    await proxy?.stop();
    await conn?.close();
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    await sql?.end();
    await db?.drop();
  });

  it('has two batches on the wire while their confirms are held, and takes nothing off the pending list before they come', async () => {
    proxy.hold();
    const events = Array.from({ length: 15 }, (_, i) => event(`P${i}`));
    relay.kick(await insert(events));
    const published = () => received.filter((s) => s.startsWith('P'));
    await expectEventually(() => expect(published()).toHaveLength(10));
    await new Promise((r) => setTimeout(r, 500));
    // The third batch waits for a free slot; every row is still pending.
    expect(published()).toEqual(events.slice(0, 10).map((e) => e.subject));
    expect(await pending()).toBe(15);

    proxy.release();
    await expectEventually(async () => {
      expect(published()).toEqual(events.map((e) => e.subject));
      expect(await pending()).toBe(0);
    });
  });
});
