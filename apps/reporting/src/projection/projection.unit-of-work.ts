import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { joinJsonTexts, jsonTextsSql, KEYED_TRANSACTION_SETTINGS, pgErrorCode, sendTogether, PgClient } from '@chanjiao/persistence';
import { CloudEvent, streamOf, upcastEvent } from '@chanjiao/contracts';
import type { EventTransaction, EventUnitOfWork, ReceivedEvent } from '@chanjiao/messaging';
import { CounterCell, Key, ProjectionEngine, ProjectOutcome, ReadModel, StreamPosition } from './projection.engine';
import { ProjectionRegistry } from './projection.registry';

const keyColumns = (keys: readonly Key[]) => [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])];
const positionColumns = (rows: readonly StreamPosition[]) => [
  rows.map((p) => p.institution),
  rows.map((p) => p.stream),
  rows.map((p) => p.subject),
  rows.map((p) => p.sequence),
];

/** Reads and row-locks the read models of `keys` (in key order, as the engine gives them). */
function lockReadModels(keys: readonly Key[]): readonly [string, unknown[]] {
  return [
    `SELECT m.institution, m.kind, m.id, m.state, m.facts
     FROM read_model m JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(i, k, j) ON m.institution = t.i AND m.kind = t.k AND m.id = t.j
     ORDER BY m.institution, m.kind, m.id
     FOR UPDATE OF m`,
    keyColumns(keys),
  ];
}

/**
 * The event_log rows as the statement's parameters: each event as it came (the body and the type of the version it was
 * published as; valid JSON already, stored as it is) where that is known, else serialized.
 */
const EVENT_LOG_COLUMNS = ['id', 'institution', 'type', 'subject', 'sequence', 'time'] as const;

interface Logged {
  /** At the latest version of its type: what the engine projects. */
  event: CloudEvent;
  received?: ReceivedEvent;
}

function eventLogRows(events: readonly Logged[]): unknown[] {
  return [
    ...EVENT_LOG_COLUMNS.map((column) =>
      column === 'type' ? events.map(({ event, received }) => received?.type ?? event.type) : events.map(({ event }) => event[column]),
    ),
    joinJsonTexts(events.map(({ event, received }) => received?.body ?? JSON.stringify(event))),
  ];
}

/**
 * The statement that adds `cells` (facts' differences, see diffCells) to the counters: the only way counters change.
 * Cells in key order, so that transactions lock counter rows in one order.
 */
export function addToCounters(cells: readonly CounterCell[]): [string, unknown[]] {
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
 * The advisory lock a rebuild's switch holds exclusively (see rebuild/projection-rebuild.ts): every live batch takes it
 * shared for its whole transaction, so the switch waits for the batches in flight and the next ones wait for the
 * switch, and none reads a read model the switch is replacing.
 */
export const SWITCH_LOCK = [0x5242, 1] as const; // 'RB'

/**
 * Where a batch's changes go. `live`: the tables reports read, the events recorded in the inbox (event_log) as they
 * arrive. `shadow`: a rebuild's tables, found first on the connection's search_path; its events come from the log, so
 * none goes to the inbox and every one is fresh (one already applied is stale by its stream's position).
 */
export type ProjectionTarget = 'live' | 'shadow';

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

const logger = new Logger('Projection');

/**
 * Applies a batch of events to the read models in one transaction, in two round trips to PostgreSQL
 * (each several statements pipelined, see `sendTogether`: on a busy 2-core box every round trip waits
 * 1–2.5 ms, and the batch used to make a dozen). `begin` opens the transaction, records the events in the
 * inbox (event_log), locks their streams (advisory locks), reads their positions and parked events and locks
 * the read-model rows they touch; parked events that touch other rows take a third. Projections run in memory, in
 * the batch's `ProjectionEngine` (ordering, parking, folding, fact differences: no I/O); `commit` writes what it
 * changed and commits in one round trip. Events ahead of their predecessor wait in `stream_pending` until the gap
 * closes.
 */
@Injectable()
export class ProjectionUnitOfWork implements EventUnitOfWork<ProjectionTransaction> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ProjectionRegistry,
  ) {}

  /**
   * `events` at the latest version of their types (as the consumer upcasts them); `received`: each as it came, kept so
   * in the log (else the event is serialized).
   */
  async begin(events: readonly CloudEvent[], received?: readonly ReceivedEvent[]): Promise<ProjectionTransaction> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PgClient;
    return this.open(client, () => runner.release(), 'live', events, received);
  }

  /**
   * A batch of a rebuild (see rebuild/projection-rebuild.ts) on `client`, whose search_path finds the shadow tables
   * first; the connection stays the caller's. Stale events are expected there (catching up replays what was applied).
   */
  beginShadow(client: PgClient, events: readonly CloudEvent[]): Promise<ProjectionTransaction> {
    return this.open(client, async () => undefined, 'shadow', events);
  }

  private async open(
    client: PgClient,
    release: () => Promise<void>,
    target: ProjectionTarget,
    events: readonly CloudEvent[],
    received?: readonly ReceivedEvent[],
  ): Promise<ProjectionTransaction> {
    const byId = new Map<string, Logged>();
    events.forEach((event, i) => byId.set(event.id, { event, received: received?.[i] }));
    const logged = [...byId.values()];
    const engine = new ProjectionEngine(
      this.registry,
      logged.map((l) => l.event),
      target === 'live'
        ? (event, position) =>
            logger.warn(
              `event ${event.id} has sequence ${event.sequence}, ${event.institution}/${streamOf(event.type)}/${event.subject} is at ${position}: ignored`,
            )
        : undefined,
    );
    const tx = new ProjectionTransaction(client, release, engine, target);
    try {
      await tx.load(logged);
      return tx;
    } catch (e) {
      await tx.rollback();
      throw e;
    }
  }
}

/** The store of one batch: loads the rows its engine asks for, and writes the engine's changes at commit. */
export class ProjectionTransaction implements EventTransaction {
  private done = false;
  /** Set once START TRANSACTION went out: from then on the transaction must end in COMMIT or ROLLBACK. */
  private open = false;

  constructor(
    private readonly client: PgClient,
    private readonly release: () => Promise<void>,
    private readonly engine: ProjectionEngine,
    private readonly target: ProjectionTarget,
  ) {}

  get stale(): number {
    return this.engine.stale;
  }

  get parked(): number {
    return this.engine.parked;
  }

  isFresh(eventId: string): boolean {
    return this.engine.isFresh(eventId);
  }

  discard(eventId: string): void {
    this.engine.discard(eventId);
  }

  /** Applies one event (and any parked successors) or parks it; see `ProjectionEngine.project`. */
  project(event: CloudEvent): ProjectOutcome {
    return this.engine.project(event);
  }

  /** `logged`: the batch's events, each id once, with each as it came where known. */
  async load(logged: readonly Logged[]): Promise<void> {
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
    const cols = keyColumns(this.engine.streams);
    const live = this.target === 'live';
    const inbox: Array<[string, unknown[]]> = live
      ? [
          [`SELECT pg_advisory_xact_lock_shared(${SWITCH_LOCK[0]}, ${SWITCH_LOCK[1]})`, []],
          [
            `INSERT INTO event_log (id, institution, type, subject, sequence, time, event)
       SELECT e.id, e.institution, e.type, e.subject, e.sequence, e.time, e.event::json
       FROM ROWS FROM (unnest($1::uuid[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::int[]),
                       unnest($6::timestamptz[]), ${jsonTextsSql('$7')}) AS e(id, institution, type, subject, sequence, time, event)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
            eventLogRows(logged),
          ],
        ]
      : [];
    this.open = true;
    const results = await sendTogether(this.client, [
      ['START TRANSACTION', []],
      ...KEYED_LOOKUPS_ONLY,
      ...inbox,
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
      lockReadModels(this.engine.readModelKeys),
    ]);
    const rest = results.slice(1 + KEYED_LOOKUPS_ONLY.length);
    const inserted = live ? (rest.splice(0, inbox.length)[1] as Array<{ id: string }>).map((r) => r.id) : logged.map((l) => l.event.id);
    const [, positions, parked, readModels] = rest as [unknown, StreamPosition[], Array<{ event: CloudEvent }>, ReadModel[]];
    // A parked event holds the version that was the latest when it was parked (v1, parked before its type had a v2):
    // it is upcast as the consumer upcasts what it receives.
    const more = this.engine.load({
      fresh: inserted,
      positions,
      parked: parked.map((p) => upcastEvent(p.event)),
      readModels,
    });
    // Parked events may change read models the batch's own events do not (rare): those rows are locked now, after
    // the others. Against another batch locking the same rows in key order this can deadlock; PostgreSQL then fails
    // one of them, which the transport runs again.
    if (more.length > 0) {
      const [rows] = (await sendTogether(this.client, [lockReadModels(more)])) as [ReadModel[]];
      this.engine.loadMore(rows);
    }
  }

  async commit(): Promise<void> {
    const statements: Array<readonly [string, unknown[]]> = [];
    const push = (sql: string, params: unknown[]) => statements.push([sql, params]);
    try {
      const c = this.engine.changes();
      if (c.discarded.length) {
        // One probe per id (README "Architecture": never key = ANY(...)), in one order.
        push(`DELETE FROM event_log e USING unnest($1::uuid[]) AS t(id) WHERE e.id = t.id`, [c.discarded]);
      }
      if (c.movedPositions.length) {
        push(
          `UPDATE stream_position p SET sequence = t.q FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS t(i, s, j, q)
           WHERE p.institution = t.i AND p.stream = t.s AND p.subject = t.j`,
          positionColumns(c.movedPositions),
        );
      }
      if (c.newPositions.length) {
        // Under the stream's advisory lock no one else can have created these rows.
        push(
          `INSERT INTO stream_position (institution, stream, subject, sequence)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
          positionColumns(c.newPositions),
        );
      }
      if (c.unparked.length) {
        push(
          `DELETE FROM stream_pending p USING unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS t(i, s, j, q)
           WHERE p.institution = t.i AND p.stream = t.s AND p.subject = t.j AND p.sequence = t.q`,
          positionColumns(c.unparked),
        );
      }
      if (c.parked.length) {
        push(
          `INSERT INTO stream_pending (institution, stream, subject, sequence, event)
           SELECT t.institution, t.stream, t.subject, t.sequence, t.event
           FROM jsonb_to_recordset($1::jsonb) AS t(institution text, stream text, subject text, sequence int, event jsonb)
           ON CONFLICT DO NOTHING`,
          [
            JSON.stringify(
              c.parked.map((e) => ({
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
      if (c.updatedReadModels.length) {
        push(
          `UPDATE read_model m SET state = t.state, facts = t.facts, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS t(institution text, kind text, id text, state jsonb, facts jsonb)
           WHERE m.institution = t.institution AND m.kind = t.kind AND m.id = t.id`,
          [JSON.stringify(c.updatedReadModels)],
        );
      }
      if (c.createdReadModels.length) {
        // Plain INSERT: a row another batch or consumer created meanwhile fails it (see below).
        push(
          `INSERT INTO read_model (institution, kind, id, state, facts)
           SELECT t.institution, t.kind, t.id, t.state, t.facts
           FROM jsonb_to_recordset($1::jsonb) AS t(institution text, kind text, id text, state jsonb, facts jsonb)`,
          [JSON.stringify(c.createdReadModels)],
        );
      }
      if (c.counterCells.length) push(...addToCounters(c.counterCells));
      if (c.freshness.length) {
        push(
          `INSERT INTO freshness (institution, last_event_time, last_applied_at, events_applied)
           SELECT i, t, now(), n FROM unnest($1::text[], $2::timestamptz[], $3::bigint[]) AS x(i, t, n)
           ON CONFLICT (institution) DO UPDATE SET last_event_time = greatest(freshness.last_event_time, excluded.last_event_time),
             last_applied_at = now(), events_applied = freshness.events_applied + excluded.events_applied`,
          [c.freshness.map((f) => f.institution), c.freshness.map((f) => f.lastEventTime), c.freshness.map((f) => f.applied)],
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
    await this.release();
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      if (this.open) await this.client.query('ROLLBACK');
      this.open = false;
    } finally {
      await this.release();
    }
  }
}
