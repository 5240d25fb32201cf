import { Injectable } from '@nestjs/common';
import { ReportReader, ReportSource } from './report-reader';

const MAX_ENTRIES = 2000;

/**
 * Caches computed reports per institutions (one, or a bureau's several) and query, keyed by each one's applied-event
 * count and row version: any event applied (by this instance or another), or a rebuild's switch, changes the key, so a
 * cached answer is served only while it is exactly what a fresh computation would give. One indexed lookup per read
 * instead of the report's dozen sums, and reads that arrive together share that lookup ({@link GenerationProbe}).
 */
@Injectable()
export class ReportCache {
  private readonly entries = new Map<string, { generation: string; value: unknown }>();
  private readonly probe: GenerationProbe;

  constructor(private readonly db: ReportReader) {
    this.probe = new GenerationProbe((scope) => this.generation(this.db.latest(scope.split(','))));
  }

  /** `institutions` in a stable order (report-scope sorts them): `A,B` and `B,A` share an entry. */
  async get<T>(institutions: readonly string[], key: string, compute: (source: ReportSource) => Promise<T>): Promise<T> {
    const scope = institutions.join(',');
    const cacheKey = `${scope}\u0000${key}`;
    const hit = this.entries.get(cacheKey);
    if (hit && hit.generation === (await this.probe.current(scope))) return hit.value as T;
    // A miss computes in one snapshot and keys the answer by the count that snapshot saw (asked for with
    // the report's first queries, so it shares their round trip).
    const [generation, value] = await this.db.snapshot(institutions, (source) => Promise.all([this.generation(source), compute(source)]));
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(cacheKey, { generation, value });
    return value;
  }

  /**
   * The applied-event count, and the row version (`xmin`): a rebuild's switch rewrites the row, and may leave the count
   * as it was while every figure changed. Per institution, in order, for a bureau's several.
   */
  private async generation(source: ReportSource): Promise<string> {
    const [row] = await source.query<Array<{ g: string | null }>>(
      `SELECT string_agg(institution || ':' || events_applied::text || '/' || xmin::text, ',' ORDER BY institution) AS g
       FROM freshness WHERE institution = ANY($1::text[])`,
      [source.institutions],
    );
    return row?.g ?? '0';
  }
}

/**
 * One lookup answers every read of an institution that arrived before it was sent. A read that arrives
 * while a lookup is in flight cannot use it (that lookup may predate a commit the reader has seen, e.g.
 * in `/reports/freshness`), so it waits for the next one, sent as soon as the one in flight returns and
 * shared by everyone who arrived meanwhile. Under load that is one round trip to PostgreSQL per round
 * trip instead of per read, and each read still sees every commit made before it arrived.
 */
export class GenerationProbe {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly queued = new Map<string, Promise<string>>();

  constructor(private readonly lookup: (institution: string) => Promise<string>) {}

  current(institution: string): Promise<string> {
    const running = this.inFlight.get(institution);
    if (!running) return this.send(institution);
    let next = this.queued.get(institution);
    if (!next) {
      next = running
        .catch(() => undefined)
        .then(() => {
          this.queued.delete(institution);
          return this.send(institution);
        });
      this.queued.set(institution, next);
    }
    return next;
  }

  private send(institution: string): Promise<string> {
    const p: Promise<string> = this.lookup(institution).finally(() => {
      if (this.inFlight.get(institution) === p) this.inFlight.delete(institution);
    });
    this.inFlight.set(institution, p);
    return p;
  }
}
