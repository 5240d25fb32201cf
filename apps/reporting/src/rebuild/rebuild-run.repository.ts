import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RebuildProgress } from './projection-rebuild';

export type RebuildState = 'running' | 'succeeded' | 'failed';

export interface RebuildRun extends RebuildProgress {
  id: string;
  state: RebuildState;
  requestedBy: string;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

const SELECT = `SELECT id, state, phase, requested_by AS "requestedBy", events_total::int AS "eventsTotal",
  events_replayed::int AS "eventsReplayed", events_caught_up::int AS "eventsCaughtUp", started_at AS "startedAt",
  updated_at AS "updatedAt", finished_at AS "finishedAt", error FROM rebuild_run`;

/** The rebuilds' progress and outcome, in the reporting database: every instance (and the command) sees the same. */
@Injectable()
export class RebuildRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a new run; runs still marked running are not (the caller holds the one rebuild lock): the process that ran
   * them stopped.
   */
  async create(id: string, requestedBy: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE rebuild_run SET state = 'failed', finished_at = now(), updated_at = now(),
         error = 'interrupted: the process running it stopped / 运行重建的进程已停止' WHERE state = 'running'`,
    );
    await this.dataSource.query(`INSERT INTO rebuild_run (id, state, phase, requested_by) VALUES ($1, 'running', 'preparing', $2)`, [
      id,
      requestedBy,
    ]);
  }

  async progress(id: string, p: RebuildProgress): Promise<void> {
    await this.dataSource.query(
      `UPDATE rebuild_run SET phase = $2, events_total = $3, events_replayed = $4, events_caught_up = $5, updated_at = now()
       WHERE id = $1`,
      [id, p.phase, p.eventsTotal, p.eventsReplayed, p.eventsCaughtUp],
    );
  }

  async finish(id: string, state: Exclude<RebuildState, 'running'>, error: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE rebuild_run SET state = $2, error = $3, finished_at = now(), updated_at = now() WHERE id = $1`, [
      id,
      state,
      error,
    ]);
  }

  async get(id: string): Promise<RebuildRun | undefined> {
    const [run] = await this.dataSource.query<RebuildRun[]>(`${SELECT} WHERE id = $1`, [id]);
    return run;
  }

  /** The latest runs, newest first. */
  async latest(limit: number): Promise<RebuildRun[]> {
    return this.dataSource.query<RebuildRun[]>(`${SELECT} ORDER BY started_at DESC, id LIMIT $1`, [limit]);
  }
}
