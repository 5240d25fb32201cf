import amqp from 'amqplib';
import { Client } from 'pg';
import type { CloudEvent } from '@chanjiao/contracts';
import {
  expectEventually,
  freshDatabase,
  LIBRARY_PATHS,
  TcpProxy,
  testServiceUrls,
  uniqueSuffix,
  useLibraryFastPaths,
} from '@chanjiao/testing';
import { deleteBrokerObjects, enrolledEvent } from '@chanjiao/testing';
import { connectAmqp } from '../amqp-connection';
import { OutboxRelay, OutboxRelayOptions } from './outbox.relay';
import { appendToOutbox, OutboxRow } from './outbox.writer';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const event = (subject: string): CloudEvent => enrolledEvent(subject, TRACEPARENT);

/**
 * A database with the outbox tables, written as the services write them (a pg client in place of their
 * EntityManager), and an exchange whose every message lands in `received`. `open` in beforeAll, `close` last.
 */
function outboxFixture(label: string) {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.${label}.${suffix}`;
  const queue = `test.${label}.${suffix}`;
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let conn: amqp.ChannelModel | undefined;
  const f = {
    amqpUrl,
    suffix,
    exchange,
    sql: undefined as unknown as Client,
    received: [] as amqp.ConsumeMessage[],
    dbUrl: () => db!.url,
    subjects: () => f.received.map((m) => (JSON.parse(m.content.toString()) as CloudEvent).subject),
    pending: async () => (await f.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_pending`)).rows[0]!.n,
    /** The rows committed, as a service's unit of work hands them to its relay. */
    insert: async (events: CloudEvent[]): Promise<OutboxRow[]> => {
      const append = appendToOutbox(events);
      const answers = [];
      for (const [q, p] of append.statements) answers.push((await f.sql.query<{ id: string; event_id: string }>(q, p)).rows);
      return append.rows(answers);
    },
    async open() {
      db = await freshDatabase(label.replace(/-/g, '_'));
      f.sql = new Client({ connectionString: db.url });
      await f.sql.connect();
      await f.sql.query(`CREATE TABLE outbox (id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, routing_key text NOT NULL,
        payload json NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
      await f.sql.query(`CREATE TABLE outbox_pending (id bigint PRIMARY KEY)`);
      conn = await amqp.connect(amqpUrl);
      const ch = await conn.createChannel();
      await ch.assertExchange(exchange, 'topic', { durable: true });
      await ch.assertQueue(queue, { durable: false });
      await ch.bindQueue(queue, exchange, '#');
      await ch.consume(queue, (m) => m && f.received.push(m), { noAck: true });
    },
    async close() {
      await conn?.close();
      await deleteBrokerObjects(amqpUrl, exchange, queue);
      await f.sql?.end();
      await db?.drop();
    },
  };
  return f;
}

/** A started relay on the fixture's outbox and exchange, reaching the broker at `brokerUrl`; `stop` stops it and its connection. */
function startRelay(f: ReturnType<typeof outboxFixture>, brokerUrl: string, options: Partial<OutboxRelayOptions>) {
  const manager = connectAmqp(brokerUrl, `relay-test-${f.suffix}`);
  const relay = new OutboxRelay({ databaseUrl: f.dbUrl(), amqp: manager, exchange: f.exchange, appId: 'relay-test', ...options });
  relay.start();
  const stop = async () => {
    await relay.stop();
    await manager.close();
  };
  return { relay, stop };
}

/**
 * A started relay whose broker connection goes through a TcpProxy (to hold back or cut what the broker sends), once
 * it has published a first row. `close` lets the broker through again and stops everything.
 */
async function relayBehindProxy(f: ReturnType<typeof outboxFixture>, options: Partial<OutboxRelayOptions>) {
  const broker = new URL(f.amqpUrl);
  const proxy = await new TcpProxy(broker.hostname, Number(broker.port || 5672)).start();
  const { relay, stop } = startRelay(f, proxy.url(f.amqpUrl), options);
  relay.kick(await f.insert([event('WARM')]));
  await expectEventually(async () => expect(await f.pending()).toBe(0));
  const close = async () => {
    proxy.release();
    await proxy.restore();
    await stop();
    await proxy.stop();
  };
  return { proxy, relay, close };
}

/**
 * The relay publishes the rows a local commit hands it once it has locked them, and still finds rows nobody told it about
 * (another instance's, or a hint lost in a crash) by scanning the pending list every few seconds, even
 * while hints keep it busy.
 */
describe('OutboxRelay (real PostgreSQL and RabbitMQ)', () => {
  const f = outboxFixture('relay');
  let relay: OutboxRelay;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    await f.open();
    // An idle re-check far beyond the test: only hints and the periodic full scan can find rows.
    ({ relay, stop } = startRelay(f, f.amqpUrl, { idleRecheckMs: 600_000, fullScanEveryMs: 300 }));
  });
  afterAll(async () => {
    await stop?.();
    await f.close();
  });

  it('publishes hinted rows with the event time and trace, and takes them off the pending list', async () => {
    const events = [event('H1'), event('H2')];
    relay.kick(await f.insert(events));
    await expectEventually(() => expect(f.subjects()).toEqual(['H1', 'H2']));
    const first = f.received[0]!;
    expect(first.fields).toMatchObject({ exchange: f.exchange, routingKey: events[0]!.type });
    expect(first.properties).toMatchObject({
      messageId: events[0]!.id,
      type: events[0]!.type,
      contentType: 'application/cloudevents+json',
      appId: 'relay-test',
      deliveryMode: 2,
      timestamp: Math.floor(Date.parse(events[0]!.time) / 1000),
      headers: { traceparent: events[0]!.traceparent },
    });
    expect(JSON.parse(first.content.toString())).toEqual(events[0]);
    // Marked after the broker's confirm, so a moment after the messages arrive.
    await expectEventually(async () => expect(await f.pending()).toBe(0));
  });

  it('finds an unhinted row by the periodic full scan while hints keep it busy', async () => {
    await f.insert([event('ORPHAN')]);
    let n = 0;
    const busy = setInterval(() => void f.insert([event(`B${n++}`)]).then((ids) => relay.kick(ids)), 50);
    try {
      await expectEventually(() => expect(f.subjects()).toContain('ORPHAN'), { timeoutMs: 5000 });
    } finally {
      clearInterval(busy);
    }
    await expectEventually(async () => expect(await f.pending()).toBe(0));
    expect(new Set(f.subjects()).size).toBe(f.received.length); // nothing twice
    // Read back from the table, its envelope's attributes still reach the AMQP properties.
    const orphan = f.received[f.subjects().indexOf('ORPHAN')]!;
    expect(orphan.properties.headers?.traceparent).toBe(TRACEPARENT);
    expect(orphan.properties.timestamp).toBe(Math.floor(Date.parse(JSON.parse(orphan.content.toString()).time) / 1000));
  });
});

/**
 * Rows handed over by a commit are published from what the relay holds, once it has locked them on the pending list.
 * This relay scans the pending list only when it starts, so every row after that goes out by hint alone.
 */
describe.each(LIBRARY_PATHS)('OutboxRelay with the rows handed over (real PostgreSQL and RabbitMQ; library fast paths %s)', (mode) => {
  const f = outboxFixture(`relay-handed-${mode}`);
  let relay: OutboxRelay;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    // Off: amqplib's own publish and frame writes (README "Library internals"), and pg without pipelines.
    useLibraryFastPaths(mode);
    await f.open();
    ({ relay, stop } = startRelay(f, f.amqpUrl, { idleRecheckMs: 600_000, fullScanEveryMs: 600_000 }));
    // Its first scan, of an empty list, is done once a first handed row is out.
    relay.kick(await f.insert([event('WARM')]));
    await expectEventually(() => expect(f.subjects()).toEqual(['WARM']));
  });
  afterAll(async () => {
    await stop?.();
    await f.close();
    useLibraryFastPaths('on');
  });

  it('publishes the texts it was handed, byte for byte as stored, and skips a handed row no longer pending', async () => {
    const rows = await f.insert([event('GONE'), event('KEPT')]);
    // As if another instance had published GONE already.
    await f.sql.query(`DELETE FROM outbox_pending WHERE id = $1`, [rows[0]!.id]);
    relay.kick(rows);
    await expectEventually(async () => expect(await f.pending()).toBe(0));
    await expectEventually(() => expect(f.subjects()).toContain('KEPT'));
    // Handed over with KEPT, in the same batch: had it been sent, it would have come with it.
    expect(f.subjects()).not.toContain('GONE');
    const stored = await f.sql.query<{ payload: string }>(`SELECT payload::text AS payload FROM outbox WHERE id = $1`, [rows[1]!.id]);
    const sent = f.received.find((m) => m.properties.messageId === rows[1]!.eventId)!;
    expect(sent.content.toString()).toBe(stored.rows[0]!.payload);
  });

  it('publishes an event longer than an AMQP frame, and one without a trace, whole', async () => {
    // RabbitMQ's default frame is 128 KiB: this body takes three.
    const enrolled = event('LONG');
    const long: CloudEvent = { ...enrolled, traceparent: undefined, data: { ...(enrolled.data as object), note: '產教'.repeat(50_000) } };
    const rows = await f.insert([long, event('AFTER')]);
    relay.kick(rows);
    await expectEventually(() => expect(f.subjects()).toEqual(expect.arrayContaining(['LONG', 'AFTER'])));
    const sent = f.received.find((m) => m.properties.messageId === long.id)!;
    expect(sent.content.length).toBeGreaterThan(2 * 131_072);
    expect(JSON.parse(sent.content.toString())).toEqual(JSON.parse(JSON.stringify(long)));
    expect(sent.properties.headers).toEqual({});
    expect(f.subjects().indexOf('AFTER')).toBe(f.subjects().indexOf('LONG') + 1);
  });

  it('hands over each row of a write of several chunks with its own id', async () => {
    const events = Array.from({ length: 2500 }, (_, i) => event(`K${i}`));
    const rows = await f.insert(events);
    const stored = await f.sql.query<{ id: string; event_id: string; payload: string }>(
      `SELECT id, event_id, payload::text AS payload FROM outbox WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id)],
    );
    const byId = new Map(stored.rows.map((r) => [r.id, r]));
    expect(rows.map((r) => r.eventId).sort()).toEqual(events.map((e) => e.id).sort());
    for (const row of rows) {
      expect(byId.get(row.id)?.event_id).toBe(row.eventId);
      expect(byId.get(row.id)?.payload).toBe(row.payload);
    }
    relay.kick(rows);
    await expectEventually(async () => expect(await f.pending()).toBe(0));
  });
});

/** While a batch waits for its confirms, the next is claimed and published; rows leave the pending list only once confirmed. */
describe('OutboxRelay with confirms held back (real PostgreSQL and RabbitMQ)', () => {
  const f = outboxFixture('relay-inflight');
  let proxy: TcpProxy;
  let relay: OutboxRelay;
  let close: () => Promise<void>;

  beforeAll(async () => {
    await f.open();
    ({ proxy, relay, close } = await relayBehindProxy(f, { batchSize: 5, maxInFlight: 2 }));
  });
  afterAll(async () => {
    await close?.();
    await f.close();
  });

  it('has two batches on the wire while their confirms are held, and takes nothing off the pending list before they come', async () => {
    proxy.hold();
    const events = Array.from({ length: 15 }, (_, i) => event(`P${i}`));
    relay.kick(await f.insert(events));
    const published = () => f.subjects().filter((s) => s.startsWith('P'));
    await expectEventually(() => expect(published()).toHaveLength(10));
    await new Promise((r) => setTimeout(r, 500));
    // The third batch waits for a free slot; every row is still pending.
    expect(published()).toEqual(events.slice(0, 10).map((e) => e.subject));
    expect(await f.pending()).toBe(15);

    proxy.release();
    await expectEventually(async () => {
      expect(published()).toEqual(events.map((e) => e.subject));
      expect(await f.pending()).toBe(0);
    });
  });
});

/** A batch the broker did not confirm, in time or at all, fails as a whole: its rows stay pending and go out again. */
describe('OutboxRelay when confirms do not come (real PostgreSQL and RabbitMQ)', () => {
  const f = outboxFixture('relay-unconfirmed');
  let proxy: TcpProxy;
  let relay: OutboxRelay;
  let close: () => Promise<void>;

  beforeAll(async () => {
    await f.open();
    ({ proxy, relay, close } = await relayBehindProxy(f, { publishTimeoutMs: 300 }));
  });
  afterAll(async () => {
    await close?.();
    await f.close();
  });

  const published = (prefix: string) => [...new Set(f.subjects().filter((s) => s.startsWith(prefix)))].sort();

  it('fails a batch whose confirms miss the timeout, keeps its rows pending, and publishes them once confirms come', async () => {
    proxy.hold();
    const events = ['T1', 'T2', 'T3'].map(event);
    relay.kick(await f.insert(events));
    await expectEventually(() => expect(relay.lastError).toMatch(/did not confirm 3 messages within 300 ms/));
    expect(await f.pending()).toBe(3);

    proxy.release();
    await expectEventually(async () => {
      expect(await f.pending()).toBe(0);
      expect(published('T')).toEqual(['T1', 'T2', 'T3']);
    });
  });

  it('fails a batch whose channel closed before its confirms, and publishes its rows after reconnecting', async () => {
    proxy.hold();
    const events = ['C1', 'C2'].map(event);
    relay.kick(await f.insert(events));
    await expectEventually(() => expect(f.subjects()).toEqual(expect.arrayContaining(['C1', 'C2'])));
    await proxy.cut();
    await expectEventually(() => expect(relay.lastError).toMatch(/closed|did not confirm/));
    expect(await f.pending()).toBe(2);

    proxy.release();
    await proxy.restore();
    await expectEventually(async () => {
      expect(await f.pending()).toBe(0);
      expect(published('C')).toEqual(['C1', 'C2']);
    });
  });
});

/** A stopping service does not wait out the backoff after a failed publish: its rows stay pending for the next start. */
describe('OutboxRelay stopped while it backs off (real PostgreSQL and RabbitMQ)', () => {
  const f = outboxFixture('relay-backoff');
  afterAll(() => f.close());

  it('stops during a ten-minute backoff after a failed batch, leaving the batch pending', async () => {
    await f.open();
    const { proxy, relay, close } = await relayBehindProxy(f, { publishTimeoutMs: 300, retryBackoffMs: 600_000 });
    proxy.hold();
    relay.kick(await f.insert(['B1', 'B2'].map(event)));
    await expectEventually(() => expect(relay.lastError).toMatch(/did not confirm 2 messages within 300 ms/));

    // Far shorter than the backoff, far longer than a stop takes: a relay that sleeps the backoff out misses it.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      close().then(() => 'stopped'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('still backing off'), 20_000))),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('stopped');
    expect(await f.pending()).toBe(2);
  });
});

/**
 * The broker confirms a message that no queue took (a fresh vhost, a queue renamed or unbound): the relay publishes as
 * mandatory, so such events come back and stay in the outbox until a queue is bound, instead of being marked sent.
 */
describe('OutboxRelay when no queue is bound for an event (real PostgreSQL and RabbitMQ)', () => {
  const f = outboxFixture('relay-unroutable');
  let relay: OutboxRelay;
  let stop: () => Promise<void>;
  let ch: amqp.Channel;
  let conn: amqp.ChannelModel;
  const queue = () => `test.relay-unroutable.${f.suffix}`;

  beforeAll(async () => {
    await f.open();
    ({ relay, stop } = startRelay(f, f.amqpUrl, { retryBackoffMs: 100 }));
    conn = await amqp.connect(f.amqpUrl);
    ch = await conn.createChannel();
  });
  afterAll(async () => {
    await stop?.();
    await conn?.close();
    await f.close();
  });

  it('keeps an event no queue took pending, counted by routing key, and publishes it once a queue is bound', async () => {
    await ch.unbindQueue(queue(), f.exchange, '#');
    const e = event('NOWHERE');
    relay.kick(await f.insert([e]));
    await expectEventually(() => expect(relay.unroutable.get(e.type)).toBeGreaterThanOrEqual(2));
    expect(await f.pending()).toBe(1);
    expect(f.received).toEqual([]);
    expect(relay.lastError).toMatch(new RegExp(`reached no queue.*${e.type.replace(/\./g, '\\.')}`));

    await ch.bindQueue(queue(), f.exchange, '#');
    await expectEventually(() => expect(f.subjects()).toEqual(['NOWHERE']), { timeoutMs: 15_000 });
    await expectEventually(async () => expect(await f.pending()).toBe(0));
  });
});
