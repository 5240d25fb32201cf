import { isDatabaseUnavailable } from './pg-errors';

/** A worker waiting for its database to answer again. */
export interface WorkerPause {
  worker: string;
  since: Date;
  /** The fault that paused it, as the driver worded it. */
  reason: string;
}

/**
 * The service's background workers (the event consumer, the outbox relay, scheduled jobs) that are waiting out a
 * database outage: readiness and metrics show them. A worker is paused once per outage, however many attempts fail
 * meanwhile, and says so in one line when it pauses and one when it resumes.
 */
export class WorkerPauses {
  private readonly current = new Map<string, WorkerPause>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly log: { warn(line: string): void; log(line: string): void } = console) {}

  /** Marks `worker` paused by `error` (a no-op while it is paused already). */
  pause(worker: string, error: unknown, holding?: string): void {
    if (this.current.has(worker)) return;
    const reason = (error as Error)?.message ?? String(error);
    this.current.set(worker, { worker, since: new Date(), reason });
    this.counts.set(worker, (this.counts.get(worker) ?? 0) + 1);
    this.log.warn(`${worker} paused: the database is unavailable (${reason})${holding ? `; ${holding}` : ''}; resuming when it answers`);
  }

  /** Marks `worker` running again, if it was paused. */
  resume(worker: string): void {
    const pause = this.current.get(worker);
    if (!pause) return;
    this.current.delete(worker);
    this.log.log(`${worker} resumed: the database answers again after ${((Date.now() - pause.since.getTime()) / 1000).toFixed(1)} s`);
  }

  /** The workers paused now. */
  paused(): WorkerPause[] {
    return [...this.current.values()];
  }

  isPaused(worker: string): boolean {
    return this.current.has(worker);
  }

  /** Pauses since the process started, per worker (every worker that ever paused). */
  totals(): ReadonlyMap<string, number> {
    return this.counts;
  }
}

/** Waits that double from `firstMs` up to `maxMs`, until reset. */
export class Backoff {
  private nextMs: number;

  constructor(
    private readonly firstMs = 250,
    private readonly maxMs = 5000,
  ) {
    this.nextMs = firstMs;
  }

  next(): number {
    const ms = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, Math.max(this.maxMs, this.firstMs));
    return ms;
  }

  reset(): void {
    this.nextMs = this.firstMs;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (it does not throw). */
export function pauseFor(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface OutageOptions {
  /** The worker's name in logs, readiness and metrics (`consumer`, `outbox-relay`, `agreement-expiry`). */
  worker: string;
  pauses: WorkerPauses;
  /** Ends the wait: the call then throws the signal's reason. */
  signal?: AbortSignal;
  backoff?: Backoff;
  /** What the worker holds while it waits, for the pause's log line. */
  holding?: () => string;
}

/**
 * Runs `work` until it succeeds or fails for a reason of its own (which it throws). While the database is unavailable
 * ({@link isDatabaseUnavailable}) the worker is paused: it waits with backoff and runs the same work again, so an
 * outage delays work and never turns it into a failure of the work. A stop (`signal`) ends the wait with the signal's
 * reason.
 */
export async function untilDatabaseAnswers<T>(work: () => Promise<T>, options: OutageOptions): Promise<T> {
  const backoff = options.backoff ?? new Backoff();
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const result = await work();
      options.pauses.resume(options.worker);
      return result;
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      options.pauses.pause(options.worker, e, options.holding?.());
      await pauseFor(backoff.next(), options.signal);
    }
  }
}
