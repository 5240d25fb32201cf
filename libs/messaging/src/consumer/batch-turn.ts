/**
 * A batch's place in delivery order when several batches are in flight (`concurrency` > 1).
 *
 * Batches overlap, yet take their locks, commit and are acknowledged in the order they were delivered:
 * - a batch opens its transaction once the batch before holds its locks (`mayBegin`), so it can only ever
 *   wait for the batches before it inside the database, never the other way round;
 * - it commits once the batch before committed (`mayCommit`), so a report never shows an event before an
 *   earlier one;
 * - when a batch's first attempt fails, every batch after it that has begun rolls back, and it runs again
 *   alone (`alone`): running again while a later batch held locks it needs, with that batch waiting here for
 *   its commit, would be a deadlock PostgreSQL cannot see.
 */
export class BatchTurn {
  /** Set once the first attempt ended without committing. */
  private failed = false;
  /** The batch began after the one before had settled (that one ran again alone). */
  private afterSettled = false;
  private next?: BatchTurn;
  private readonly began = signal();
  private readonly decided = signal<boolean>();
  private readonly released = signal();
  private readonly settledSignal = signal();

  constructor(private prev?: BatchTurn) {
    if (prev) prev.next = this;
  }

  /** Resolves when this batch may open its transaction. */
  async mayBegin(): Promise<void> {
    const prev = this.prev;
    if (!prev) return;
    await prev.began.promise;
    if (prev.failed) {
      // It runs again alone once the batches after it hold nothing: this one holds nothing while it waits.
      this.released.resolve();
      await prev.settledSignal.promise;
      this.afterSettled = true;
    }
  }

  /** The first attempt holds its locks. */
  hasBegun(): void {
    this.began.resolve();
  }

  /** Whether the first attempt may commit (the batch before committed); if not, it rolls back. */
  async mayCommit(): Promise<boolean> {
    const prev = this.prev;
    if (!prev) return true;
    return (await prev.decided.promise) || this.afterSettled;
  }

  /** The first attempt committed. */
  committed(): void {
    this.decided.resolve(true);
  }

  /** The first attempt is over, its transaction committed or rolled back (or never opened). */
  endFirstAttempt(committed: boolean): void {
    if (!committed) this.failed = true;
    this.began.resolve();
    this.decided.resolve(committed);
    this.released.resolve();
  }

  /** Resolves when the batch can run again alone: the batches before it have settled and the one after holds nothing. */
  async alone(): Promise<void> {
    await this.previousSettled();
    await this.next?.released.promise;
  }

  /** Resolves when the batches before this one are settled (acknowledged or otherwise done). */
  async previousSettled(): Promise<void> {
    await this.prev?.settledSignal.promise;
  }

  /** This batch is done; the batch after it no longer needs to see the ones before it. */
  settle(): void {
    this.settledSignal.resolve();
    this.prev = undefined;
  }
}

interface Signal<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

/** A promise resolved from outside, once (later calls are ignored, as with any promise). */
function signal(): Signal<void> & { resolve(): void };
function signal<T>(): Signal<T>;
function signal<T>(): Signal<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve: (value: T) => resolve(value) };
}
