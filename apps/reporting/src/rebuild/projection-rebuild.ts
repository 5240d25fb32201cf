import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { CloudEvent, parseEvent, upcastEvent } from '@chanjiao/contracts';
import { PgClient, SESSION_OPTIONS } from '@chanjiao/persistence';
import { ProjectionUnitOfWork, SWITCH_LOCK } from '../projection/projection.unit-of-work';

/** Where a rebuild writes: beside the live tables, found first on the rebuild's own connection. */
export const SHADOW_SCHEMA = 'projection_rebuild';

/** Every table the projections write (not the log they are rebuilt from), in the order the switch replaces them. */
export const PROJECTION_TABLES = ['stream_position', 'stream_pending', 'read_model', 'counter', 'freshness'] as const;

/** Held for the whole of a rebuild (session lock of its connection): one rebuild at a time, across processes. */
export const RUNNING_LOCK = [0x5242, 2] as const; // 'RB'

export type RebuildPhase = 'preparing' | 'replaying' | 'catching_up' | 'switching' | 'done';

export interface RebuildProgress {
  phase: RebuildPhase;
  /** Events in the log when the replay began. */
  eventsTotal: number;
  /** Events of the log replayed so far. */
  eventsReplayed: number;
  /** Events that arrived during the replay, applied before the switch. */
  eventsCaughtUp: number;
}

export interface RebuildOptions {
  /** Events per projection batch [5000]. */
  batchSize?: number;
  /** Called once the rebuild holds the one rebuild lock, before it changes anything. */
  onLocked?: () => Promise<void>;
  /** Called after every batch and at every phase (the caller throttles what it stores). */
  onProgress?: (progress: RebuildProgress) => void | Promise<void>;
}

export class RebuildAlreadyRunningError extends Error {
  constructor() {
    super('已有重建在运行 / a rebuild is running already');
    this.name = 'RebuildAlreadyRunningError';
  }
}

/** An event of the log the current projections refuse: the rebuild stops, and the live tables stay as they are. */
export class RebuildEventError extends Error {
  constructor(eventId: string, cause: unknown) {
    super(`event ${eventId} cannot be projected: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

interface LogRow {
  id: string;
  event: unknown;
  /**
   * received_at as text: a Date would drop the microseconds, and the next page would start inside this one. Named
   * apart, as ORDER BY received_at would sort by this text (an output column wins), read all the log and sort it for
   * every page.
   */
  received: string;
}

const logger = new Logger('Rebuild');
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Rebuilds the projections from the event log (DESIGN.md §5; README "Rebuilding the reports"), with the engine and the
 * statements that keep them live (`ProjectionUnitOfWork.beginShadow`), into new tables beside the live ones:
 *
 * 1. preparing: the shadow tables, empty and unlogged (nothing of them needs to survive a crash: the rebuild starts again).
 * 2. replaying: the log in the order it was received, a batch at a time (memory stays that of one batch). Order is
 *    only a matter of speed: the engine orders each stream by sequence, parking what comes early, as it does live.
 * 3. catching up: what the log holds that the shadow streams have not applied (events that arrived meanwhile),
 *    until none is left.
 * 4. switching: under the switch lock (live batches take it shared, so the switch waits for those in flight and the
 *    next wait for it), once more what arrived since, then in one transaction every live table's rows replaced by the
 *    shadow's. Reports read the old rows until that commits (readers are not blocked), and see the rebuilt ones after.
 *
 * A failure anywhere drops the shadow tables and leaves the live ones as they were.
 */
export class ProjectionRebuild {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: ProjectionUnitOfWork,
  ) {}

  async run(options: RebuildOptions = {}): Promise<RebuildProgress> {
    const batchSize = options.batchSize ?? 5000;
    const progress: RebuildProgress = { phase: 'preparing', eventsTotal: 0, eventsReplayed: 0, eventsCaughtUp: 0 };
    const report = async (phase?: RebuildPhase) => {
      if (phase) progress.phase = phase;
      await options.onProgress?.({ ...progress });
    };
    const live = await this.liveSchema();
    const client = await this.connect(live);
    try {
      const [{ locked }] = (await client.query('SELECT pg_try_advisory_lock($1, $2) AS locked', [...RUNNING_LOCK])).rows as [
        { locked: boolean },
      ];
      if (!locked) throw new RebuildAlreadyRunningError();
      await options.onLocked?.();
      try {
        await report('preparing');
        await this.prepare(client, live);
        await report('replaying');
        const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM ${quoted(live)}.event_log`)).rows as [{ n: number }];
        progress.eventsTotal = n;
        await this.replay(client, live, batchSize, async (applied) => {
          progress.eventsReplayed += applied;
          await report();
        });
        await report('catching_up');
        progress.eventsCaughtUp += await this.catchUp(client, live, batchSize);
        await report('switching');
        await this.switchOver(client, live, batchSize, (caughtUp) => (progress.eventsCaughtUp += caughtUp));
        await report('done');
        return { ...progress };
      } finally {
        await client.query(`DROP SCHEMA IF EXISTS ${SHADOW_SCHEMA} CASCADE`).catch(() => undefined);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async liveSchema(): Promise<string> {
    const [{ schema }] = await this.dataSource.query<Array<{ schema: string }>>('SELECT current_schema() AS schema');
    return schema;
  }

  /** A connection of its own (not the pool's: its search_path finds the shadow tables first). */
  private async connect(live: string): Promise<Client> {
    const url = (this.dataSource.options as { url?: string }).url;
    const client = new Client({
      connectionString: url,
      options: `${SESSION_OPTIONS} -c search_path=${SHADOW_SCHEMA},${live}`,
      application_name: 'reporting-rebuild',
    });
    client.on('error', (e) => logger.warn(`rebuild connection: ${e.message}`));
    await client.connect();
    return client;
  }

  private async prepare(client: Client, live: string): Promise<void> {
    await client.query(`DROP SCHEMA IF EXISTS ${SHADOW_SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${SHADOW_SCHEMA}`);
    for (const table of PROJECTION_TABLES) {
      await client.query(`CREATE UNLOGGED TABLE ${SHADOW_SCHEMA}.${table} (LIKE ${quoted(live)}.${table} INCLUDING ALL)`);
    }
  }

  /** The log, a page at a time in (received_at, id) order (its index), each page projected as one batch. */
  private async replay(client: Client, live: string, batchSize: number, onBatch: (applied: number) => Promise<void>): Promise<void> {
    let after: [string, string] | null = null;
    let replayed = 0;
    let analyzedAt = batchSize / 2;
    for (;;) {
      const rows: LogRow[] = (
        await client.query(
          after
            ? `SELECT e.id, e.event, e.received_at::text AS received FROM ${quoted(live)}.event_log e
               WHERE (e.received_at, e.id) > ($1::timestamptz, $2::uuid) ORDER BY e.received_at, e.id LIMIT $3`
            : `SELECT e.id, e.event, e.received_at::text AS received FROM ${quoted(live)}.event_log e ORDER BY e.received_at, e.id LIMIT $1`,
          after ? [after[0], after[1], batchSize] : [batchSize],
        )
      ).rows as LogRow[];
      if (rows.length === 0) return;
      await this.project(client, rows);
      replayed += rows.length;
      if (replayed >= analyzedAt * 2) {
        // The new tables have no statistics: plans made while they were nearly empty would stay while they grow.
        for (const table of PROJECTION_TABLES) await client.query(`ANALYZE ${SHADOW_SCHEMA}.${table}`);
        analyzedAt = replayed;
      }
      const last = rows[rows.length - 1]!;
      after = [last.received, last.id];
      await onBatch(rows.length);
    }
  }

  /**
   * Projects what the log holds and the shadow streams have not applied (neither moved past nor parked), a batch at a
   * time until none is left; answers how many. Every batch moves or parks what it takes, so the next finds fewer.
   */
  private async catchUp(client: Client, live: string, batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = (
        await client.query(
          `SELECT e.id, e.event, e.received_at::text AS received FROM ${quoted(live)}.event_log e
           LEFT JOIN ${SHADOW_SCHEMA}.stream_position p
             ON p.institution = e.institution AND p.stream = split_part(e.type, '.', 1) || '.' || split_part(e.type, '.', 2)
            AND p.subject = e.subject
           WHERE (p.sequence IS NULL OR p.sequence < e.sequence)
             AND NOT EXISTS (SELECT 1 FROM ${SHADOW_SCHEMA}.stream_pending q
                             WHERE q.institution = e.institution AND q.stream = split_part(e.type, '.', 1) || '.' || split_part(e.type, '.', 2)
                               AND q.subject = e.subject AND q.sequence = e.sequence)
           ORDER BY e.received_at, e.id LIMIT $1`,
          [batchSize],
        )
      ).rows as LogRow[];
      if (rows.length === 0) return total;
      await this.project(client, rows);
      total += rows.length;
    }
  }

  /** Catches up under the switch lock, then replaces every live table's rows with the shadow's in one transaction. */
  private async switchOver(client: Client, live: string, batchSize: number, onCaughtUp: (n: number) => void): Promise<void> {
    await client.query('SELECT pg_advisory_lock($1, $2)', [...SWITCH_LOCK]);
    try {
      onCaughtUp(await this.catchUp(client, live, batchSize));
      await client.query('START TRANSACTION');
      try {
        for (const table of PROJECTION_TABLES) {
          await client.query(`DELETE FROM ${quoted(live)}.${table}`);
          await client.query(`INSERT INTO ${quoted(live)}.${table} SELECT * FROM ${SHADOW_SCHEMA}.${table}`);
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [...SWITCH_LOCK]).catch(() => undefined);
    }
    // The planner's statistics of tables whose every row just changed.
    for (const table of PROJECTION_TABLES) await client.query(`ANALYZE ${quoted(live)}.${table}`);
  }

  /** One batch through the engine into the shadow tables; an event the projections refuse fails the rebuild. */
  private async project(client: Client, rows: readonly LogRow[]): Promise<void> {
    const events: CloudEvent[] = rows.map((r) => {
      try {
        // As the consumer takes an event: validated at the version it was published as, then at the latest version.
        return upcastEvent(parseEvent(r.event));
      } catch (e) {
        throw new RebuildEventError(r.id, e);
      }
    });
    const tx = await this.unitOfWork.beginShadow(client as unknown as PgClient, events);
    try {
      for (const event of events) {
        if (!tx.isFresh(event.id)) continue;
        try {
          tx.project(event);
        } catch (e) {
          throw new RebuildEventError(event.id, e);
        }
      }
      await tx.commit();
    } catch (e) {
      await tx.rollback();
      throw e;
    }
  }
}
