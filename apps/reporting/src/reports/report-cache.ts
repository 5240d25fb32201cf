import { Injectable } from '@nestjs/common';
import { ReportReader } from './report-reader';

const MAX_ENTRIES = 2000;

/**
 * Caches computed reports per institution and query, keyed by the institution's applied-event count:
 * any event applied (by this instance or another) changes the count, so a cached answer is served
 * only while it is exactly what a fresh computation would give. One indexed lookup per read instead
 * of the report's dozen sums.
 */
@Injectable()
export class ReportCache {
  private readonly entries = new Map<string, { generation: string; value: unknown }>();

  constructor(private readonly db: ReportReader) {}

  async get<T>(institution: string, key: string, compute: () => Promise<T>): Promise<T> {
    const cacheKey = `${institution}\u0000${key}`;
    const hit = this.entries.get(cacheKey);
    if (hit && hit.generation === (await this.generation(institution))) return hit.value as T;
    // A miss computes in one snapshot and keys the answer by the count that snapshot saw.
    const { generation, value } = await this.db.snapshot(async () => ({
      generation: await this.generation(institution),
      value: await compute(),
    }));
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(cacheKey, { generation, value });
    return value;
  }

  private async generation(institution: string): Promise<string> {
    const [row] = await this.db.query<Array<{ g: string }>>(`SELECT events_applied::text AS g FROM freshness WHERE institution = $1`, [
      institution,
    ]);
    return row?.g ?? '0';
  }
}
