import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectionUnitOfWork } from '../projection/projection.unit-of-work';
import { ProjectionRebuild, RebuildProgress } from './projection-rebuild';
import { RebuildRun, RebuildRunRepository } from './rebuild-run.repository';

/** How often a running rebuild writes its progress (and at every phase). */
const PROGRESS_EVERY_MS = 1000;

export interface StartedRebuild {
  run: RebuildRun;
  /** Settles when the rebuild ends: the run as it ended (failed runs too; it never rejects). */
  done: Promise<RebuildRun>;
}

/** Runs rebuilds (one at a time across every process, by the rebuild lock) and records their progress. */
@Injectable()
export class RebuildService {
  private readonly logger = new Logger('Rebuild');
  private readonly rebuild: ProjectionRebuild;

  constructor(
    dataSource: DataSource,
    unitOfWork: ProjectionUnitOfWork,
    private readonly runs: RebuildRunRepository,
  ) {
    this.rebuild = new ProjectionRebuild(dataSource, unitOfWork);
  }

  /**
   * Starts a rebuild and answers once it holds the rebuild lock and its run is recorded, while it goes on; rejects
   * with `RebuildAlreadyRunningError` when another is running (here or in another process).
   */
  async start(requestedBy: string, options: { batchSize?: number; onProgress?: (run: RebuildRun) => void } = {}): Promise<StartedRebuild> {
    const id = randomUUID();
    let recorded = false;
    let lastWrite = 0;
    let lastPhase = '';
    let locked!: () => void;
    const started = new Promise<void>((resolve) => (locked = resolve));
    const track = async (p: RebuildProgress) => {
      const now = Date.now();
      if (p.phase === lastPhase && now - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = now;
      lastPhase = p.phase;
      await this.runs.progress(id, p);
      if (options.onProgress) options.onProgress((await this.runs.get(id))!);
    };
    const outcome = this.rebuild
      .run({
        batchSize: options.batchSize,
        onLocked: async () => {
          await this.runs.create(id, requestedBy);
          recorded = true;
          locked();
        },
        onProgress: track,
      })
      .then(async (p) => {
        await this.runs.progress(id, p);
        await this.runs.finish(id, 'succeeded', null);
        this.logger.log(`rebuild ${id} done: ${p.eventsReplayed} events replayed, ${p.eventsCaughtUp} caught up`);
      });
    // Before the lock is held, a failure is the caller's answer; after, the run's outcome.
    const done = outcome.then(
      async () => (await this.runs.get(id))!,
      async (e: unknown) => {
        if (!recorded) throw e;
        const message = e instanceof Error ? e.message : String(e);
        this.logger.error(`rebuild ${id} failed: ${message}`);
        await this.runs.finish(id, 'failed', message).catch(() => undefined);
        return (await this.runs.get(id))!;
      },
    );
    await Promise.race([started, done]);
    return { run: (await this.runs.get(id))!, done };
  }

  get(id: string): Promise<RebuildRun | undefined> {
    return this.runs.get(id);
  }

  latest(limit = 20): Promise<RebuildRun[]> {
    return this.runs.latest(limit);
  }
}
