/**
 * One stage of the design chain (`bench/design-chain.ts`), run as its own plain Node.js process:
 * `node design-chain.stage.js writer|relay|consumer`. Only pg and amqplib: no framework, no validation, nothing of
 * the services, so the chain costs what the design itself costs (`../shared/notes/pipeline-ceilings.md`).
 *
 * The bench talks to a stage over the IPC channel of `fork`: a stage says `ready` once connected, the writer starts on
 * `go`, each says `done` with its own rate once its part of the events has passed, and exits on `stop` (not before:
 * the bench reads every process's CPU from /proc while they still run).
 */
import amqp from 'amqplib';
import { Client } from 'pg';

/** Events per write transaction, per relay batch and at most per consumer batch. */
export const BATCH = 1000;
/** The consumer's prefetch, and how long it waits for a batch to fill. */
export const PREFETCH = 2000;
export const BATCH_WAIT_MS = 20;

export type StageName = 'writer' | 'relay' | 'consumer';

export interface StageSettings {
  pgUrl: string;
  amqpUrl: string;
  exchange: string;
  queue: string;
  events: number;
}

/** What a stage tells the bench. */
export type StageReport = { kind: 'ready' } | { kind: 'done'; events: number; seconds: number } | { kind: 'failed'; error: string };

/** What the bench tells a stage. */
export type StageCommand = { kind: 'go' } | { kind: 'stop' };

/** The schema, made by the bench before the stages start: the writer's tables and the consumer's, in one database. */
export const SCHEMA = [
  `CREATE TABLE entity (kind text NOT NULL, id text NOT NULL, state jsonb NOT NULL, PRIMARY KEY (kind, id))`,
  `CREATE TABLE outbox (id bigserial PRIMARY KEY, event_id uuid NOT NULL, routing_key text NOT NULL, payload jsonb NOT NULL,
     published_at timestamptz)`,
  // The relay finds unpublished rows through this index alone, however many published rows the outbox holds.
  `CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`,
  `CREATE TABLE inbox (event_id uuid PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE event_log (id bigserial PRIMARY KEY, event_id uuid NOT NULL, type text NOT NULL, event jsonb NOT NULL)`,
  `CREATE TABLE counter (key text PRIMARY KEY, value bigint NOT NULL)`,
];

/**
 * The i-th event of the chain and the entity it records, in the batch ingest's mix (half enrollments, a quarter
 * internships, 15 % partners, 10 % alliance members), as a CloudEvent of the size the services publish.
 */
export function designEvent(i: number): { kind: string; id: string; state: Record<string, unknown>; event: Record<string, unknown> } {
  const slot = i % 20;
  const [kind, type, id, state] =
    slot < 10
      ? ([
          'enrollment',
          'enrollment.student.enrolled.v1',
          `E${i}`,
          { studentId: `E${i}`, programCode: 'P1', cohortYear: 2022, level: 'higher_vocational', pathway: 'regular' },
        ] as const)
      : slot < 15
        ? ([
            'internship',
            'placement.internship.started.v1',
            `I${i}`,
            { internshipId: `I${i}`, studentId: `E${i}`, kind: 'post', region: i % 3 ? '650102' : '652801', startDate: '2022-03-01' },
          ] as const)
        : slot < 18
          ? ([
              'partner',
              'partnership.partner.registered.v1',
              `PT${i}`,
              { partnerId: `PT${i}`, name: `Enterprise ${i}`, kind: 'enterprise', sector: 'textiles' },
            ] as const)
          : ([
              'member',
              'alliance.member.joined.v1',
              `M${i}`,
              { allianceId: `A${i % 10}`, memberId: `M${i}`, memberKind: 'enterprise', role: 'member', joinedOn: '2020-01-01' },
            ] as const);
  const event = {
    specversion: '1.0',
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    source: `/chanjiao/${type.slice(0, type.indexOf('.'))}`,
    type,
    subject: id,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    institution: 'BENCH',
    sequence: 1,
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    data: state,
  };
  return { kind, id, state, event };
}

/** The data field each event type is counted by: a counter per institution, type and that field's value. */
const DIMENSION: Record<string, string> = {
  'enrollment.student.enrolled.v1': 'cohortYear',
  'placement.internship.started.v1': 'region',
  'partnership.partner.registered.v1': 'sector',
  'alliance.member.joined.v1': 'allianceId',
};

/**
 * The consumer's parameter for one batch: a JSON array of each event's id, type and counter key, with the message's
 * body as it came (it parsed, so it is JSON) rather than serialized again.
 */
export function consumerBatch(bodies: readonly string[]): string {
  const items = bodies.map((body) => {
    const e = JSON.parse(body) as { id: string; type: string; institution: string; data: Record<string, unknown> };
    const key = `${e.institution}|${e.type}|${String(e.data[DIMENSION[e.type] ?? ''] ?? '')}`;
    return `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"counter":${JSON.stringify(key)},"event":${body}}`;
  });
  return `[${items.join(',')}]`;
}

/** A batch of entities and their outbox rows in one statement, so one transaction; the outbox in the batch's order. */
const WRITE = `
  WITH batch AS (SELECT b.e, b.n FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS b(e, n)),
       entities AS (INSERT INTO entity (kind, id, state) SELECT e->>'kind', e->>'id', e->'state' FROM batch)
  INSERT INTO outbox (event_id, routing_key, payload)
  SELECT (e->'event'->>'id')::uuid, e->'event'->>'type', e->'event' FROM batch ORDER BY n`;

/**
 * Sent without a name (a statement without parameters goes as a simple query): a named prepared statement keeps the
 * plan PostgreSQL made on an empty outbox, which then scans and sorts the whole backlog on every batch. The relay's
 * session also has `enable_sort` off (see `relay`).
 */
const CLAIM = `
  SELECT id, event_id AS "eventId", routing_key AS "routingKey", payload::text AS payload
  FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;

/**
 * A batch's effect in one statement (one transaction): the inbox takes the events it has not seen, and only those go
 * into the event log and the counters. Returns how many were new, so a redelivered event is neither logged nor
 * counted twice.
 */
const APPLY = `
  WITH batch AS (SELECT DISTINCT ON (id) (e->>'id')::uuid AS id, e->>'type' AS type, e->>'counter' AS counter, e->'event' AS event
                 FROM jsonb_array_elements($1::jsonb) e),
       fresh AS (INSERT INTO inbox (event_id) SELECT id FROM batch ON CONFLICT DO NOTHING RETURNING event_id),
       logged AS (INSERT INTO event_log (event_id, type, event) SELECT b.id, b.type, b.event FROM batch b JOIN fresh f ON f.event_id = b.id),
       counted AS (INSERT INTO counter (key, value)
                   SELECT b.counter, count(*) FROM batch b JOIN fresh f ON f.event_id = b.id GROUP BY b.counter
                   ON CONFLICT (key) DO UPDATE SET value = counter.value + excluded.value)
  SELECT count(*)::int AS applied FROM fresh`;

const send = (report: StageReport) => process.send?.(report);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function settings(): StageSettings {
  const get = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  return {
    pgUrl: get('DESIGN_PG_URL'),
    amqpUrl: get('DESIGN_AMQP_URL'),
    exchange: get('DESIGN_EXCHANGE'),
    queue: get('DESIGN_QUEUE'),
    events: Number(get('DESIGN_EVENTS')),
  };
}

/** Resolves on the first command of that kind from the bench. */
const command = (kind: StageCommand['kind']) =>
  new Promise<void>((resolve) => {
    const on = (m: StageCommand) => {
      if (m.kind !== kind) return;
      process.off('message', on);
      resolve();
    };
    process.on('message', on);
  });

/** Entities and their outbox rows, 1,000 per transaction, as fast as PostgreSQL takes them. */
async function writer(s: StageSettings): Promise<void> {
  const db = new Client({ connectionString: s.pgUrl });
  await db.connect();
  send({ kind: 'ready' });
  await command('go');
  const t0 = performance.now();
  for (let i = 0; i < s.events; i += BATCH) {
    const rows: string[] = [];
    for (let j = i; j < Math.min(s.events, i + BATCH); j++) rows.push(JSON.stringify(designEvent(j)));
    await db.query(WRITE, [`[${rows.join(',')}]`]);
  }
  send({ kind: 'done', events: s.events, seconds: (performance.now() - t0) / 1000 });
  await command('stop');
  await db.end();
}

/**
 * Claims up to 1,000 unpublished rows, publishes them persistent with their event id to the topic exchange, waits for
 * the broker's confirms and marks them published, in one transaction; polls every 5 ms while the outbox is empty.
 */
async function relay(s: StageSettings): Promise<void> {
  const db = new Client({ connectionString: s.pgUrl });
  await db.connect();
  // The outbox grows from empty within seconds and autovacuum analyzes it a minute later at the earliest: without
  // statistics the planner guesses a few hundred unpublished rows and sorts the whole backlog for every batch (116 ms
  // for a backlog of 50,000, against 0.9 ms walking the partial index in order and stopping at the batch's end).
  await db.query('SET enable_sort = off');
  const conn = await amqp.connect(s.amqpUrl);
  const ch = await conn.createConfirmChannel();
  send({ kind: 'ready' });
  let published = 0;
  let first: number | undefined;
  while (published < s.events) {
    await db.query('BEGIN');
    const { rows } = await db.query<{ id: string; eventId: string; routingKey: string; payload: string }>(CLAIM);
    if (rows.length === 0) {
      await db.query('COMMIT');
      await sleep(5);
      continue;
    }
    first ??= performance.now();
    for (const r of rows) ch.publish(s.exchange, r.routingKey, Buffer.from(r.payload), { persistent: true, messageId: r.eventId });
    await ch.waitForConfirms();
    await db.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
    await db.query('COMMIT');
    published += rows.length;
  }
  send({ kind: 'done', events: published, seconds: (performance.now() - first!) / 1000 });
  await command('stop');
  await conn.close();
  await db.end();
}

/**
 * Takes deliveries with prefetch 2,000 into batches of up to 1,000 (or what came within 20 ms of a batch's first), one
 * batch at a time: its effect committed (`APPLY`), then one multiple ack for the batch.
 */
async function consumer(s: StageSettings): Promise<void> {
  const db = new Client({ connectionString: s.pgUrl });
  await db.connect();
  const conn = await amqp.connect(s.amqpUrl);
  const ch = await conn.createChannel();
  await ch.prefetch(PREFETCH);
  let applied = 0;
  let first: number | undefined;
  let pending: amqp.ConsumeMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  let turn = Promise.resolve();
  const finished = new Promise<void>((resolve, reject) => {
    const apply = async (batch: amqp.ConsumeMessage[]) => {
      const { rows } = await db.query<{ applied: number }>(APPLY, [consumerBatch(batch.map((m) => m.content.toString()))]);
      ch.ack(batch[batch.length - 1]!, true);
      applied += rows[0]!.applied;
      if (applied >= s.events) resolve();
    };
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      turn = turn.then(() => apply(batch)).catch(reject);
    };
    void ch.consume(s.queue, (m) => {
      if (!m) return reject(new Error('the queue was deleted'));
      first ??= performance.now();
      pending.push(m);
      if (pending.length >= BATCH) flush();
      else timer ??= setTimeout(flush, BATCH_WAIT_MS);
    });
  });
  send({ kind: 'ready' });
  await finished;
  send({ kind: 'done', events: applied, seconds: (performance.now() - first!) / 1000 });
  await command('stop');
  await conn.close();
  await db.end();
}

const STAGES: Record<StageName, (s: StageSettings) => Promise<void>> = { writer, relay, consumer };

if (require.main === module) {
  const stage = STAGES[process.argv[2] as StageName];
  if (!stage) throw new Error(`usage: design-chain.stage.js ${Object.keys(STAGES).join('|')}`);
  stage(settings()).then(
    () => process.exit(0),
    (e: unknown) => {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      // Exit once the report is on its way (without the channel, the bench sees the exit alone).
      if (process.send) process.send({ kind: 'failed', error } satisfies StageReport, () => process.exit(1));
      else process.exit(1);
    },
  );
}
