import { Injectable, Logger } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { joinJsonTexts, jsonTextsSql, KEYED_TRANSACTION_SETTINGS, pgErrorCode, sendTogether, PgClient } from '@chanjiao/persistence';
import { CloudEvent, streamOf } from '@chanjiao/contracts';
import type { EventTransaction, EventUnitOfWork } from '@chanjiao/messaging';
import { diffCells, Fact } from './projection';
import { ProjectionRegistry } from './projection.registry';

interface EntityRow {
  state: unknown;
  facts: Fact[];
  changed: boolean;
  /** Not in read_model yet: inserted at commit. */
  isNew: boolean;
}

interface Pending {
  event: CloudEvent;
  persisted: boolean;
}

// Composite keys joined by NUL (which PostgreSQL text, and so no id, can hold): cheaper than JSON for
// the thousands built per batch. Sorted, they give every transaction the same lock order.
const SEP = '\u0000';
const joinKey = (a: string, b: string, c: string) => `${a}${SEP}${b}${SEP}${c}`;
const streamKey = (e: CloudEvent) => joinKey(e.institution, streamOf(e.type), e.subject);
const entityKey = joinKey;
const splitKey = (key: string) => key.split(SEP) as [string, string, string];
const positionColumns = (rows: ReadonlyArray<readonly [string, string, string, number, boolean]>) => [
  rows.map((m) => m[0]),
  rows.map((m) => m[1]),
  rows.map((m) => m[2]),
  rows.map((m) => m[3]),
];
interface ReadModelRow {
  institution: string;
  kind: string;
  id: string;
  state: unknown;
  facts: Fact[];
}

/** Reads and row-locks the read models of `keys`, in key order. */
function lockReadModels(keys: ReadonlySet<string>): readonly [string, unknown[]] {
  const sorted = [...keys].sort().map(splitKey);
  return [
    `SELECT m.institution, m.kind, m.id, m.state, m.facts
     FROM read_model m JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(i, k, j) ON m.institution = t.i AND m.kind = t.k AND m.id = t.j
     ORDER BY m.institution, m.kind, m.id
     FOR UPDATE OF m`,
    [sorted.map((s) => s[0]), sorted.map((s) => s[1]), sorted.map((s) => s[2])],
  ];
}

/**
 * The event_log rows as the statement's parameters: each event as the body it came in where that is known (valid
 * JSON already, stored as it is), else serialized.
 */
const EVENT_LOG_COLUMNS = ['id', 'institution', 'type', 'subject', 'sequence', 'time'] as const;

function eventLogRows(events: ReadonlyArray<{ event: CloudEvent; body?: string }>): unknown[] {
  return [
    ...EVENT_LOG_COLUMNS.map((column) => events.map(({ event }) => event[column])),
    joinJsonTexts(events.map(({ event, body }) => body ?? JSON.stringify(event))),
  ];
}

/**
 * The statement that adds `cells` (facts' differences, see diffCells) to the counters: the only way counters change.
 * Cells in key order, so that transactions lock counter rows in one order.
 */
export function addToCounters(cells: ReadonlyArray<Fact & { institution: string }>): [string, unknown[]] {
  return [
    `INSERT INTO counter (institution, metric, dims, day, value)
     SELECT t.institution, t.metric, t.dims, coalesce(t.day, '-infinity'::date), t.value
     FROM jsonb_to_recordset($1::jsonb) AS t(institution text, metric text, dims jsonb, day date, value bigint)
     ON CONFLICT (institution, metric, dims, day) DO UPDATE SET value = counter.value + excluded.value`,
    [
      JSON.stringify(
        cells.map((c) => ({ institution: c.institution, metric: c.metric, dims: c.dims, day: c.day ?? null, value: c.value })),
      ),
    ],
  ];
}

/** First key of the two-key advisory locks on streams, so they cannot collide with other uses of advisory locks. */
const STREAM_LOCK_SPACE = 0x5354; // 'ST'

/**
 * Every statement of a projection batch looks rows up by a list of keys (up to a batch's worth, 500 by
 * default). PostgreSQL's default costs price a hash join over the whole table below that many index probes
 * (and with no statistics yet it has no better idea), so each batch read and updated whole tables: 40 ms
 * against 6 ms for 500 positions among 60,000 streams, growing with the tables. Within this transaction only,
 * the planner probes the index per key, and each statement keeps a generic plan (`KEYED_TRANSACTION_SETTINGS`).
 */
const KEYED_LOOKUPS_ONLY: Array<[string, unknown[]]> = [
  ['SET LOCAL enable_hashjoin = off', []],
  ['SET LOCAL enable_mergejoin = off', []],
  ...KEYED_TRANSACTION_SETTINGS,
];

/**
 * Applies a batch of events to the read models in one transaction, in two round trips to PostgreSQL
 * (each several statements pipelined, see `sendTogether`: on a busy 2-core box every round trip waits
 * 1–2.5 ms, and the batch used to make a dozen). `begin` opens the transaction, records the events in the
 * inbox (event_log), locks their streams (advisory locks), reads their positions and parked events and locks
 * the read-model rows they touch; parked events that touch other rows take a third. Projections run in memory;
 * `commit` writes every change and commits in one round trip. Events ahead of their predecessor wait in
 * `stream_pending` until the gap closes.
 */
@Injectable()
export class ProjectionUnitOfWork implements EventUnitOfWork<ProjectionTransaction> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ProjectionRegistry,
  ) {}

  async begin(events: readonly CloudEvent[], received?: readonly string[]): Promise<ProjectionTransaction> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PgClient;
    const tx = new ProjectionTransaction(runner, client, this.registry);
    try {
      await tx.load(events, received);
      return tx;
    } catch (e) {
      await tx.rollback();
      throw e;
    }
  }
}

export class ProjectionTransaction implements EventTransaction {
  private readonly logger = new Logger('Projection');
  private fresh = new Set<string>();
  private readonly discarded = new Set<string>();
  private readonly positions = new Map<string, number>();
  private readonly changedPositions = new Set<string>();
  /** Streams with no stream_position row yet: inserted at commit if they moved. */
  private readonly newStreams = new Set<string>();
  private readonly pending = new Map<string, Map<number, Pending>>();
  private readonly consumedPending: Array<{ key: string; sequence: number }> = [];
  private readonly entities = new Map<string, EntityRow>();
  private readonly deltas = new Map<string, Fact & { institution: string }>();
  private readonly freshness = new Map<string, { last: string; lastMs: number; applied: number }>();
  private done = false;
  /** Set once START TRANSACTION went out: from then on the transaction must end in COMMIT or ROLLBACK. */
  private open = false;
  stale = 0;
  parked = 0;

  constructor(
    private readonly runner: QueryRunner,
    private readonly client: PgClient,
    private readonly registry: ProjectionRegistry,
  ) {}

  isFresh(eventId: string): boolean {
    return this.fresh.has(eventId);
  }

  discard(eventId: string): void {
    this.discarded.add(eventId);
  }

  /** `received`: the body each event came in, kept in the log as it came (else the event is serialized). */
  async load(events: readonly CloudEvent[], received?: readonly string[]): Promise<void> {
    const byId = new Map<string, { event: CloudEvent; body?: string }>();
    events.forEach((event, i) => byId.set(event.id, { event, body: received?.[i] }));
    const logged = [...byId.values()];
    const unique = logged.map((l) => l.event);
    // Everything the batch needs before projecting goes in one round trip, on the assumption that its events are new
    // (a redelivered one only costs a lock and a lookup that go unused): open the transaction, record the events in
    // the inbox (one JSON document parsed once; each event lands in the json column as the text it came in), lock
    // their streams, read the streams' positions and parked events, and lock the read-model rows the events change.
    //
    // Streams are serialized by a transaction-scoped advisory lock per stream, taken in one fixed order (no deadlock
    // between batches), so a stream not seen before needs no placeholder row written now and again at commit. The
    // statements after the lock's take their snapshots once it is granted: they see what its last holder committed.
    // Read-model rows are locked in key order; rows not there yet are created at commit with their final state (one
    // write instead of two): the stream locks already serialize competing consumers on a stream, and a row first
    // written by another stream meanwhile makes the commit fail and the batch run again.
    const streamKeys = [...new Set(unique.map(streamKey))];
    const streams = streamKeys.map(splitKey);
    const cols = [streams.map((s) => s[0]), streams.map((s) => s[1]), streams.map((s) => s[2])];
    const keys = this.entityKeysOf(unique);
    this.open = true;
    const results = await sendTogether(this.client, [
      ['START TRANSACTION', []],
      ...KEYED_LOOKUPS_ONLY,
      [
        `INSERT INTO event_log (id, institution, type, subject, sequence, time, event)
       SELECT e.id, e.institution, e.type, e.subject, e.sequence, e.time, e.event::json
       FROM ROWS FROM (unnest($1::uuid[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::int[]),
                       unnest($6::timestamptz[]), ${jsonTextsSql('$7')}) AS e(id, institution, type, subject, sequence, time, event)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
        eventLogRows(logged),
      ],
      [
        `SELECT count(pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, h)) FROM (
           SELECT DISTINCT hashtext(i || '/' || s || '/' || j) AS h FROM unnest($1::text[], $2::text[], $3::text[]) AS t(i, s, j) ORDER BY 1
         ) AS x`,
        cols,
      ],
      [
        `SELECT p.institution, p.stream, p.subject, p.sequence FROM stream_position p
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(i, s, j) ON p.institution = t.i AND p.stream = t.s AND p.subject = t.j`,
        cols,
      ],
      [
        `SELECT p.event FROM stream_pending p JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(i, s, j)
           ON p.institution = t.i AND p.stream = t.s AND p.subject = t.j`,
        cols,
      ],
      lockReadModels(keys),
    ]);
    const [inserted, , positionRows, parkedRows, modelRows] = results.slice(1 + KEYED_LOOKUPS_ONLY.length) as [
      Array<{ id: string }>,
      unknown,
      Array<{ institution: string; stream: string; subject: string; sequence: number }>,
      Array<{ event: CloudEvent }>,
      ReadModelRow[],
    ];
    this.fresh = new Set(inserted.map((r) => r.id));

    for (const p of positionRows) this.positions.set(joinKey(p.institution, p.stream, p.subject), p.sequence);
    for (const k of streamKeys)
      if (!this.positions.has(k)) {
        this.positions.set(k, 0);
        this.newStreams.add(k);
      }
    for (const { event } of parkedRows) this.pendingOf(streamKey(event)).set(event.sequence, { event, persisted: true });
    this.addEntities(modelRows, keys);

    // Parked events may change read models the batch's own events do not (rare): those rows are locked now, after
    // the others. Against another batch locking the same rows in key order this can deadlock; PostgreSQL then fails
    // one of them, which the transport runs again.
    const more = [...this.entityKeysOf(parkedRows.map((p) => p.event))].filter((k) => !keys.has(k));
    if (more.length > 0) {
      const [rows] = (await sendTogether(this.client, [lockReadModels(new Set(more))])) as [ReadModelRow[]];
      this.addEntities(rows, new Set(more));
    }
  }

  private entityKeysOf(events: readonly CloudEvent[]): Set<string> {
    const keys = new Set<string>();
    for (const e of events) {
      for (const p of this.registry.projectionsFor(e.type)) for (const id of p.entityIds(e)) keys.add(entityKey(e.institution, p.kind, id));
    }
    return keys;
  }

  /** The rows found, and a new (empty) entity for every key without one. */
  private addEntities(rows: readonly ReadModelRow[], keys: ReadonlySet<string>): void {
    for (const r of rows)
      this.entities.set(entityKey(r.institution, r.kind, r.id), { state: r.state, facts: r.facts, changed: false, isNew: false });
    for (const k of keys) if (!this.entities.has(k)) this.entities.set(k, { state: null, facts: [], changed: false, isNew: true });
  }

  /**
   * Applies one event (and any parked successors) or parks it. All-or-nothing: if a projection
   * throws, nothing of this event is staged and the error goes back to the transport.
   */
  project(event: CloudEvent): 'applied' | 'parked' | 'stale' {
    const key = streamKey(event);
    const position = this.positions.get(key);
    if (position === undefined) throw new Error(`stream of event ${event.id} was not loaded`);
    if (event.sequence <= position) {
      this.stale++;
      this.logger.warn(`event ${event.id} has sequence ${event.sequence}, ${key} is at ${position}: ignored`);
      return 'stale';
    }
    const pending = this.pendingOf(key);
    if (event.sequence > position + 1) {
      if (!pending.has(event.sequence)) pending.set(event.sequence, { event, persisted: false });
      this.parked++;
      return 'parked';
    }
    // Compute everything first, stage after: a throwing projection leaves no trace.
    const chain: CloudEvent[] = [event];
    const drained: number[] = [];
    for (let next = event.sequence + 1; pending.has(next); next++) {
      chain.push(pending.get(next)!.event);
      drained.push(next);
    }
    const staged = new Map<string, EntityRow>();
    const deltas: Array<{ key: string; fact: Fact; institution: string }> = [];
    for (const e of chain) {
      for (const projection of this.registry.projectionsFor(e.type)) {
        for (const id of projection.entityIds(e)) {
          const k = entityKey(e.institution, projection.kind, id);
          const current = staged.get(k) ?? this.entities.get(k);
          if (!current) throw new Error(`read model ${k} was not loaded`);
          const state = projection.reduce(current.state ?? projection.initial(), e);
          const facts = projection.facts(state);
          for (const [cell, fact] of diffCells(current.facts, facts))
            deltas.push({ key: `${e.institution}${SEP}${cell}`, fact, institution: e.institution });
          staged.set(k, { state, facts, changed: true, isNew: current.isNew });
        }
      }
    }
    for (const [k, row] of staged) this.entities.set(k, row);
    for (const { key, fact, institution } of deltas) {
      const cell = this.deltas.get(key);
      if (cell) cell.value += fact.value;
      else this.deltas.set(key, Object.assign({}, fact, { institution }));
    }
    for (const seq of drained) {
      if (pending.get(seq)!.persisted) this.consumedPending.push({ key, sequence: seq });
      pending.delete(seq);
    }
    this.positions.set(key, chain.at(-1)!.sequence);
    this.changedPositions.add(key);
    for (const e of chain) {
      const ms = Date.parse(e.time);
      const f = this.freshness.get(e.institution);
      if (!f) this.freshness.set(e.institution, { last: e.time, lastMs: ms, applied: 1 });
      else {
        if (ms > f.lastMs) {
          f.last = e.time;
          f.lastMs = ms;
        }
        f.applied++;
      }
    }
    return 'applied';
  }

  async commit(): Promise<void> {
    const statements: Array<readonly [string, unknown[]]> = [];
    const push = (sql: string, params: unknown[]) => statements.push([sql, params]);
    try {
      if (this.discarded.size) {
        // One probe per id (README "Architecture": never key = ANY(...)), in one order.
        push(`DELETE FROM event_log e USING unnest($1::uuid[]) AS t(id) WHERE e.id = t.id`, [[...this.discarded].sort()]);
      }
      const moved = [...this.changedPositions].sort().map((k) => [...splitKey(k), this.positions.get(k)!, this.newStreams.has(k)] as const);
      const updatedPositions = moved.filter((m) => !m[4]);
      if (updatedPositions.length) {
        push(
          `UPDATE stream_position p SET sequence = t.q FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS t(i, s, j, q)
           WHERE p.institution = t.i AND p.stream = t.s AND p.subject = t.j`,
          positionColumns(updatedPositions),
        );
      }
      const createdPositions = moved.filter((m) => m[4]);
      if (createdPositions.length) {
        // Under the stream's advisory lock no one else can have created these rows.
        push(
          `INSERT INTO stream_position (institution, stream, subject, sequence)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
          positionColumns(createdPositions),
        );
      }
      if (this.consumedPending.length) {
        const c = this.consumedPending.map(({ key, sequence }) => [...splitKey(key), sequence] as const);
        push(
          `DELETE FROM stream_pending p USING unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS t(i, s, j, q)
           WHERE p.institution = t.i AND p.stream = t.s AND p.subject = t.j AND p.sequence = t.q`,
          [c.map((m) => m[0]), c.map((m) => m[1]), c.map((m) => m[2]), c.map((m) => m[3])],
        );
      }
      const parked = [...this.pending.values()]
        .flatMap((m) => [...m.values()])
        .filter((p) => !p.persisted && !this.discarded.has(p.event.id));
      if (parked.length) {
        push(
          `INSERT INTO stream_pending (institution, stream, subject, sequence, event)
           SELECT t.institution, t.stream, t.subject, t.sequence, t.event
           FROM jsonb_to_recordset($1::jsonb) AS t(institution text, stream text, subject text, sequence int, event jsonb)
           ON CONFLICT DO NOTHING`,
          [
            JSON.stringify(
              parked.map(({ event: e }) => ({
                institution: e.institution,
                stream: streamOf(e.type),
                subject: e.subject,
                sequence: e.sequence,
                event: e,
              })),
            ),
          ],
        );
      }
      const changed = [...this.entities].filter(([, v]) => v.changed);
      const payload = (rows: typeof changed) =>
        JSON.stringify(
          rows.map(([k, v]) => {
            const [institution, kind, id] = splitKey(k);
            return { institution, kind, id, state: v.state, facts: v.facts };
          }),
        );
      const updated = changed.filter(([, v]) => !v.isNew);
      if (updated.length) {
        push(
          `UPDATE read_model m SET state = t.state, facts = t.facts, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS t(institution text, kind text, id text, state jsonb, facts jsonb)
           WHERE m.institution = t.institution AND m.kind = t.kind AND m.id = t.id`,
          [payload(updated)],
        );
      }
      const created = changed.filter(([, v]) => v.isNew).sort(([a], [b]) => (a < b ? -1 : 1));
      if (created.length) {
        // Plain INSERT: a row another batch or consumer created meanwhile fails it (see below).
        push(
          `INSERT INTO read_model (institution, kind, id, state, facts)
           SELECT t.institution, t.kind, t.id, t.state, t.facts
           FROM jsonb_to_recordset($1::jsonb) AS t(institution text, kind text, id text, state jsonb, facts jsonb)`,
          [payload(created)],
        );
      }
      const cells = [...this.deltas.entries()]
        .filter(([, d]) => d.value !== 0)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, d]) => d);
      if (cells.length) push(...addToCounters(cells));
      if (this.freshness.size) {
        const f = [...this.freshness].sort(([a], [b]) => (a < b ? -1 : 1));
        push(
          `INSERT INTO freshness (institution, last_event_time, last_applied_at, events_applied)
           SELECT i, t, now(), n FROM unnest($1::text[], $2::timestamptz[], $3::bigint[]) AS x(i, t, n)
           ON CONFLICT (institution) DO UPDATE SET last_event_time = greatest(freshness.last_event_time, excluded.last_event_time),
             last_applied_at = now(), events_applied = freshness.events_applied + excluded.events_applied`,
          [f.map(([i]) => i), f.map(([, v]) => v.last), f.map(([, v]) => v.applied)],
        );
      }
      push('COMMIT', []);
      await sendTogether(this.client, statements);
    } catch (e) {
      await this.rollback();
      if (pgErrorCode(e) === '23505' && (e as { table?: string }).table === 'read_model') {
        // Another batch or consumer created one of this batch's new read models meanwhile: the transport runs it again.
        throw Object.assign(new Error('a read model this batch creates was created meanwhile'), { retryable: true, cause: e });
      }
      throw e;
    }
    this.done = true;
    this.open = false;
    await this.runner.release();
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      if (this.open) await this.client.query('ROLLBACK');
      this.open = false;
    } finally {
      await this.runner.release();
    }
  }

  private pendingOf(key: string): Map<number, Pending> {
    let m = this.pending.get(key);
    if (!m) this.pending.set(key, (m = new Map()));
    return m;
  }
}
