import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

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

  constructor(private readonly dataSource: DataSource) {}

  async get<T>(institution: string, key: string, compute: () => Promise<T>): Promise<T> {
    const [row] = await this.dataSource.query<Array<{ g: string }>>(
      `SELECT events_applied::text AS g FROM freshness WHERE institution = $1`,
      [institution],
    );
    const generation = row?.g ?? '0';
    const cacheKey = `${institution}\u0000${key}`;
    const hit = this.entries.get(cacheKey);
    if (hit && hit.generation === generation) return hit.value as T;
    const value = await compute();
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(cacheKey, { generation, value });
    return value;
  }
}
