import type { WriteContext } from './decide';

interface Pending<I, R> {
  item: I;
  traceparent: string | undefined;
  actor: string | undefined;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export interface WriteCoalescerOptions {
  /** Batches of one institution's items in flight at once; more requests wait and join the next batch. */
  maxInFlight?: number;
  /** Items per batch at most. */
  maxBatch?: number;
}

/**
 * Group commit for single-item writes. A write costs the same round trips and commit whether it
 * carries one item or a hundred, so single-item requests that arrive while earlier ones are in flight
 * are merged, in arrival order, into one call of the batch method: one transaction, one commit, each
 * request answered with its own item's result once that commit is done. A lone request runs at once
 * (no timer, no added latency); under load, batches grow with the queue.
 *
 * Merging keeps the meaning of the requests: items are decided in order inside the batch, exactly as
 * if the requests had come one after another. If the whole batch fails (not an item's domain error),
 * each item runs again alone so one request's failure is never another's.
 */
export class WriteCoalescer<I, R> {
  private readonly queues = new Map<string, Array<Pending<I, R>>>();
  private readonly inFlight = new Map<string, number>();
  private readonly maxInFlight: number;
  private readonly maxBatch: number;

  constructor(
    private readonly runBatch: (ctx: WriteContext, items: I[]) => Promise<R[]>,
    opts: WriteCoalescerOptions = {},
  ) {
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.maxBatch = opts.maxBatch ?? 200;
  }

  submit(ctx: WriteContext, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(ctx.institution) ?? [];
      queue.push({ item, traceparent: ctx.traceparent, actor: ctx.actor, resolve, reject });
      this.queues.set(ctx.institution, queue);
      this.dispatch(ctx.institution);
    });
  }

  private dispatch(institution: string): void {
    const running = this.inFlight.get(institution) ?? 0;
    const queue = this.queues.get(institution);
    if (!queue?.length || running >= this.maxInFlight) return;
    const batch = queue.splice(0, this.maxBatch);
    if (queue.length === 0) this.queues.delete(institution);
    this.inFlight.set(institution, running + 1);
    void this.run(institution, batch).finally(() => {
      const left = (this.inFlight.get(institution) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(institution);
      else this.inFlight.set(institution, left);
      this.dispatch(institution);
    });
  }

  private async run(institution: string, batch: Array<Pending<I, R>>): Promise<void> {
    try {
      const results = await this.runBatch(
        { institution, traceparents: batch.map((p) => p.traceparent), actors: batch.map((p) => p.actor) },
        batch.map((p) => p.item),
      );
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (e) {
      if (batch.length === 1) {
        batch[0]!.reject(e);
        return;
      }
      for (const p of batch) {
        await this.runBatch({ institution, traceparent: p.traceparent, actor: p.actor }, [p.item]).then(
          ([r]) => p.resolve(r!),
          (err: unknown) => p.reject(err),
        );
      }
    }
  }
}

/** The single-item form of a batch method, merged with concurrent calls (see WriteCoalescer). */
export function coalesced<I, R>(
  many: (ctx: WriteContext, items: I[]) => Promise<R[]>,
  opts?: WriteCoalescerOptions,
): (ctx: WriteContext, item: I) => Promise<R> {
  const coalescer = new WriteCoalescer(many, opts);
  return (ctx, item) => coalescer.submit(ctx, item);
}
