/** One token bucket setting: `perSecond` tokens refill, up to `burst`. */
export interface BucketSetting {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms, monotonic). */
  at: number;
  /** When the last warning for this id was logged. */
  warnedAt: number;
}

/**
 * Token buckets by id (a key id, a client address), in memory, at most `maxEntries` of them: the least recently used
 * is dropped first. A dropped bucket is one that has been idle longest, and a bucket idle for `burst / perSecond`
 * seconds is full again, so dropping it forgets nothing; memory stays bounded however many addresses an attacker uses.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly setting: BucketSetting,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token for `id`: 0 when there was one, else the whole seconds until there is one (for `Retry-After`). */
  take(id: string): number {
    const t = this.now();
    let b = this.buckets.get(id);
    if (b) {
      // Re-inserted below: a Map keeps insertion order, so the first entry is the least recently used.
      this.buckets.delete(id);
      b.tokens = Math.min(this.setting.burst, b.tokens + ((t - b.at) / 1000) * this.setting.perSecond);
      b.at = t;
    } else {
      while (this.buckets.size >= this.maxEntries) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: this.setting.burst, at: t, warnedAt: -Infinity };
    }
    this.buckets.set(id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.setting.perSecond));
  }

  /** Whether to log that `id` is being limited: once a minute per id, never per request. */
  shouldWarn(id: string): boolean {
    const b = this.buckets.get(id);
    if (!b) return false;
    const t = this.now();
    if (t - b.warnedAt < 60_000) return false;
    b.warnedAt = t;
    return true;
  }
}
