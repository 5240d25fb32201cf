import { Injectable } from '@nestjs/common';
import type { ReportSource } from './report-reader';
import type { CounterMetric } from '../projection/counter-metric';

export interface CounterRow<D = Record<string, unknown>> {
  dims: D;
  value: number;
}

/**
 * Reads the counters the projections maintain. Figures whose dims name single records (a program, an alliance, a forum)
 * are summed in PostgreSQL ({@link totals}, {@link spread}), so what a report reads does not grow with the records.
 */
@Injectable()
export class CounterRepository {
  /** Sums of `metric` per dims, over facts dated on or before `asOf` (all when null), whose dims contain `filter`. */
  async sum<D = Record<string, unknown>>(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown> = {},
  ): Promise<Array<CounterRow<D>>> {
    const rows = await this.sumText<D>(source, metric, asOf, filter);
    return rows.map((r) => ({ dims: r.dims, value: Number(r.value) }));
  }

  /** As {@link sum}, exact for any size (money in cents): sums come back as bigint. */
  async exactSum<D = Record<string, unknown>>(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown> = {},
  ): Promise<Array<{ dims: D; value: bigint }>> {
    const rows = await this.sumText<D>(source, metric, asOf, filter);
    return rows.map((r) => ({ dims: r.dims, value: BigInt(r.value) }));
  }

  private sumText<D>(source: ReportSource, metric: CounterMetric, asOf: string | null, filter: Record<string, unknown>) {
    return source.query<Array<{ dims: D; value: string }>>(
      `SELECT dims, sum(value)::text AS value FROM counter
       WHERE institution = $1 AND metric = $2 AND day <= coalesce($3::date, 'infinity'::date) AND dims @> $4::jsonb
       GROUP BY dims HAVING sum(value) <> 0`,
      [source.institution, metric, asOf, JSON.stringify(filter)],
    );
  }

  /**
   * Sums of `metric` (as {@link sum} selects them) per value of the dims keys `by`, summed in PostgreSQL: as many rows as
   * those keys have values (none: one row), whatever the number of records behind them (DESIGN.md §5: reports stay bounded).
   */
  async totals<K extends string>(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown>,
    by: readonly K[],
  ): Promise<Array<CounterRow<Record<K, unknown>>>> {
    const key = by.length ? `jsonb_build_object(${by.map((k) => `'${dimsKey(k)}', dims->'${k}'`).join(', ')})` : `'{}'::jsonb`;
    const rows = await source.query<Array<{ dims: Record<K, unknown>; value: string }>>(
      `SELECT ${key} AS dims, sum(value)::text AS value FROM counter
       WHERE institution = $1 AND metric = $2 AND day <= coalesce($3::date, 'infinity'::date) AND dims @> $4::jsonb
       GROUP BY 1 HAVING sum(value) <> 0`,
      [source.institution, metric, asOf, JSON.stringify(filter)],
    );
    return rows.map((r) => ({ dims: r.dims, value: Number(r.value) }));
  }

  /** The sum of `metric` over every dims, as one number (summed in PostgreSQL). */
  async grandTotal(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown> = {},
  ): Promise<number> {
    const [row] = await this.totals(source, metric, asOf, filter, []);
    return row?.value ?? 0;
  }

  /**
   * Of the dims whose sum is not zero, how many distinct non-null values `key` takes, and the largest sum: one row
   * computed in PostgreSQL, however many dims there are (a program, a forum each).
   */
  async spread(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown>,
    key: string,
  ): Promise<{ distinct: number; max: number }> {
    const [row] = await this.spreadBy(source, metric, asOf, filter, key, []);
    return { distinct: row?.distinct ?? 0, max: row?.max ?? 0 };
  }

  /** As {@link spread}, per value of the dims keys `by` (with each group's sum as `value`), as {@link totals} groups. */
  async spreadBy<K extends string>(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown>,
    key: string,
    by: readonly K[],
  ): Promise<Array<CounterRow<Record<K, unknown>> & { distinct: number; max: number }>> {
    const group = by.length ? `jsonb_build_object(${by.map((k) => `'${dimsKey(k)}', dims->'${k}'`).join(', ')})` : `'{}'::jsonb`;
    const rows = await source.query<Array<{ dims: Record<K, unknown>; value: string; distinct: string; max: string }>>(
      `SELECT ${group} AS dims, sum(value)::text AS value, count(DISTINCT dims->>'${dimsKey(key)}') AS distinct, max(value)::text AS max
       FROM (SELECT dims, sum(value) AS value FROM counter
             WHERE institution = $1 AND metric = $2 AND day <= coalesce($3::date, 'infinity'::date) AND dims @> $4::jsonb
             GROUP BY dims HAVING sum(value) <> 0) AS g
       GROUP BY 1`,
      [source.institution, metric, asOf, JSON.stringify(filter)],
    );
    return rows.map((r) => ({ dims: r.dims, value: Number(r.value), distinct: Number(r.distinct), max: Number(r.max) }));
  }

  /** The read models of `kind` with these ids (those a report's rows name), not every one of the institution. */
  async readModelsByIds<S>(source: ReportSource, kind: string, ids: string[]): Promise<Array<{ id: string; state: S }>> {
    if (ids.length === 0) return [];
    return source.query(
      `SELECT id, state FROM read_model WHERE institution = $1 AND kind = $2 AND id = ANY($3::text[]) AND state <> 'null'::jsonb`,
      [source.institution, kind, [...new Set(ids)]],
    );
  }

  async readModels<S>(source: ReportSource, kind: string): Promise<Array<{ id: string; state: S }>> {
    return source.query(`SELECT id, state FROM read_model WHERE institution = $1 AND kind = $2 AND state <> 'null'::jsonb`, [
      source.institution,
      kind,
    ]);
  }

  async freshness(
    source: ReportSource,
  ): Promise<{ lastEventTime: Date | null; lastAppliedAt: Date | null; eventsApplied: number; parked: number }> {
    const [f] = await source.query<Array<{ last_event_time: Date; last_applied_at: Date; events_applied: string }>>(
      `SELECT last_event_time, last_applied_at, events_applied FROM freshness WHERE institution = $1`,
      [source.institution],
    );
    const [p] = await source.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM stream_pending WHERE institution = $1`, [
      source.institution,
    ]);
    return {
      lastEventTime: f?.last_event_time ?? null,
      lastAppliedAt: f?.last_applied_at ?? null,
      eventsApplied: Number(f?.events_applied ?? 0),
      parked: Number(p?.n ?? 0),
    };
  }
}

/** A dims key written into SQL: our own constant names only. */
function dimsKey(k: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(k)) throw new Error(`not a dims key: ${k}`);
  return k;
}

export const total = (rows: Array<CounterRow<unknown>>, where: (dims: never) => boolean = () => true): number =>
  rows.filter((r) => where(r.dims as never)).reduce((s, r) => s + r.value, 0);

export function rate(numerator: number, denominator: number): { numerator: number; denominator: number; rate: number } {
  return { numerator, denominator, rate: denominator === 0 ? 0 : Math.round((numerator / denominator) * 10000) / 10000 };
}
