import { WRITE_SERVICES } from '@chanjiao/auth';
import type { DemoContext, DemoService } from '../../scripts/demo/run-demo';
import { seeded } from '../../scripts/demo/random';
import { loadVariedData } from '../fixtures/varied-data';
import type { ChaosStack } from './chaos-stack';

/** How long a client keeps retrying one request through an outage before it gives up. */
const GIVE_UP_MS = 5 * 60_000;

/**
 * Department systems writing to the stack through a fault, as a careful client does: a request that gets no answer (the
 * service died, the connection was cut) or a 503 (its database is away: `Retry-After`) is sent again, unchanged, until
 * it is answered. A write repeated after it did commit is a no-op, so the data written ends the same as without the
 * fault. Every other 4xx or 5xx fails the load: the stack must answer a fault with 503, never 500.
 */
export class ChaosLoad {
  /** Answers by HTTP status, and requests that got no answer (`network`). */
  readonly answers = new Map<string, number>();
  readonly institutions: string[] = [];
  private next = 0;
  private stopped = false;
  /** Items written so far, and when the pacing began. */
  private items = 0;
  private pacedFrom = 0;
  private rate = Infinity;

  constructor(private readonly stack: ChaosStack) {}

  private count(what: string): void {
    this.answers.set(what, (this.answers.get(what) ?? 0) + 1);
  }

  /** A client of one institution's writer key: each request to the next instance of its service, retried as above. */
  private async context(institution: string): Promise<Pick<DemoContext, 'call' | 'batch'>> {
    const { key } = await this.stack.keys.create({ role: 'writer', services: [...WRITE_SERVICES], institution });
    const call = async (service: DemoService, method: string, path: string, body?: unknown): Promise<any> => {
      const deadline = Date.now() + GIVE_UP_MS;
      for (let attempt = 1; ; attempt++) {
        const urls = this.stack.urls(service);
        const url = urls[this.next++ % Math.max(1, urls.length)];
        let status: number | undefined;
        let retryAfter = 0;
        let text = '';
        if (url) {
          try {
            const res = await fetch(url + path, {
              method,
              headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
              body: body === undefined ? undefined : JSON.stringify(body),
              signal: AbortSignal.timeout(60_000),
            });
            status = res.status;
            retryAfter = Number(res.headers.get('retry-after') ?? 0);
            text = await res.text();
          } catch {
            status = undefined; // no answer: the service is gone or the connection was cut
          }
        }
        this.count(status === undefined ? 'network' : String(status));
        if (status !== undefined && status < 400) return JSON.parse(text);
        if (status !== undefined && status !== 503) throw new Error(`${method} ${service}${path}: ${status} ${text.slice(0, 300)}`);
        if (Date.now() > deadline)
          throw new Error(`${method} ${service}${path}: no answer but ${status ?? 'none'} for ${GIVE_UP_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, Math.min(5000, retryAfter > 0 ? retryAfter * 1000 : 200 * attempt)));
      }
    };
    const batch = async (service: DemoService, path: string, items: unknown[], _label: string, size = 100) => {
      for (let i = 0; i < items.length; i += size) {
        const chunk = items.slice(i, i + size);
        await this.pace(chunk.length);
        const res = await call(service, 'POST', path, chunk);
        if (res.summary.failed > 0) {
          throw new Error(
            `${path}: ${res.summary.failed} items failed, e.g. ${JSON.stringify(res.results.find((r: any) => r.status === 'failed'))}`,
          );
        }
      }
    };
    return { call, batch };
  }

  /** Waits until writing `n` more items keeps the load at its rate (all lanes together). */
  private async pace(n: number): Promise<void> {
    const due = this.pacedFrom + (this.items / this.rate) * 1000;
    this.items += n;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }

  /** One institution's varied data set (all four services, several years), written through the write APIs. */
  async institution(seed: number, scale = 1): Promise<string> {
    const institution = `C${this.stack.suffix.slice(0, 6).toUpperCase()}${String(seed).padStart(3, '0')}`;
    this.institutions.push(institution);
    await loadVariedData(await this.context(institution), seeded(seed), scale);
    return institution;
  }

  /**
   * Writes institutions (each a varied data set of about 1,800 events), `parallel` at a time and `itemsPerSecond` in
   * all, until `until` settles and at least `minItems` items are written: the load goes on through whatever `until`
   * does to the stack. Resolves with the institutions written.
   */
  async during(until: Promise<unknown>, { minItems = 20_000, itemsPerSecond = 300, parallel = 3, scale = 3 } = {}): Promise<string[]> {
    let done = false;
    const finished = until.finally(() => (done = true));
    this.rate = itemsPerSecond;
    this.pacedFrom = Date.now();
    let seed = 0;
    const lane = async () => {
      while (!this.stopped && (!done || this.items < minItems)) await this.institution(++seed, scale);
    };
    // Every lane ends before this does (a failed one or fault included): nothing is written behind the reconciliation.
    const ended = await Promise.allSettled([finished, ...Array.from({ length: parallel }, lane)]);
    const failed = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return this.institutions;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Answers that are errors of the stack: a 500 (or other 5xx than 503), never expected whatever the fault. */
  serverErrors(): Array<[string, number]> {
    return [...this.answers].filter(([status]) => /^5\d\d$/.test(status) && status !== '503');
  }
}
