import { Injectable } from '@nestjs/common';
import type { ReportSource } from './report-reader';
import type { CounterMetric } from '../projection/counter-metric';

export interface CounterRow<D = Record<string, unknown>> {
  /** Whose counter: a report of several institutions (a bureau's) reads a row per institution and dims. */
  institution: string;
  dims: D;
  value: number;
}

/** A record of one institution (two colleges may both have a program 460103): what read models are read and keyed by. */
export interface RecordRef {
  institution: string;
  id: string;
}

/** A map key of a record of one institution. */
export const recordKey = (institution: string, id: string): string => `${institution}\u0000${id}`;

/**
 * Reads the counters the projections maintain, of the source's institutions (`institution = ANY($1::text[])`), a row
 * per institution: a sum over them is their sum, and what is counted per institution (distinct categories, a largest
 * forum) stays per institution, so a bureau's figure is the sum of its institutions' (DESIGN.md §5). Figures whose
 * dims name single records (a program, an alliance, a forum) are summed in PostgreSQL ({@link totals}, {@link spread}),
 * so what a report reads does not grow with the records.
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
    return rows.map((r) => ({ institution: r.institution, dims: r.dims, value: Number(r.value) }));
  }

  /** As {@link sum}, exact for any size (money in cents): sums come back as bigint. */
  async exactSum<D = Record<string, unknown>>(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown> = {},
  ): Promise<Array<{ institution: string; dims: D; value: bigint }>> {
    const rows = await this.sumText<D>(source, metric, asOf, filter);
    return rows.map((r) => ({ institution: r.institution, dims: r.dims, value: BigInt(r.value) }));
  }

  private sumText<D>(source: ReportSource, metric: CounterMetric, asOf: string | null, filter: Record<string, unknown>) {
    return source.query<Array<{ institution: string; dims: D; value: string }>>(
      `SELECT institution, dims, sum(value)::text AS value FROM counter
       WHERE institution = ANY($1::text[]) AND metric = $2 AND day <= coalesce($3::date, 'infinity'::date) AND dims @> $4::jsonb
       GROUP BY institution, dims HAVING sum(value) <> 0`,
      [source.institutions, metric, asOf, JSON.stringify(filter)],
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
    const rows = await source.query<Array<{ institution: string; dims: Record<K, unknown>; value: string }>>(
      `SELECT institution, ${key} AS dims, sum(value)::text AS value FROM counter
       WHERE institution = ANY($1::text[]) AND metric = $2 AND day <= coalesce($3::date, 'infinity'::date) AND dims @> $4::jsonb
       GROUP BY 1, 2 HAVING sum(value) <> 0`,
      [source.institutions, metric, asOf, JSON.stringify(filter)],
    );
    return rows.map((r) => ({ institution: r.institution, dims: r.dims, value: Number(r.value) }));
  }

  /** The sum of `metric` over every dims, as one number (summed in PostgreSQL). */
  async grandTotal(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown> = {},
  ): Promise<number> {
    return total(await this.totals(source, metric, asOf, filter, []));
  }

  /**
   * Of the dims whose sum is not zero, how many distinct non-null values `key` takes, and the largest sum: one row per
   * institution computed in PostgreSQL, however many dims there are (a program, a forum each); for several
   * institutions, the sum of each one's distinct count and of each one's largest sum.
   */
  async spread(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown>,
    key: string,
  ): Promise<{ distinct: number; max: number }> {
    const rows = await this.spreadBy(source, metric, asOf, filter, key, []);
    return { distinct: rows.reduce((s, r) => s + r.distinct, 0), max: rows.reduce((s, r) => s + r.max, 0) };
  }

  /** As {@link spread}, per institution and value of the dims keys `by` (with each group's sum as `value`), as {@link totals} groups. */
  async spreadBy<K extends string>(
    source: ReportSource,
    metric: CounterMetric,
    asOf: string | null,
    filter: Record<string, unknown>,
    key: string,
    by: readonly K[],
  ): Promise<Array<CounterRow<Record<K, unknown>> & { distinct: number; max: number }>> {
    const group = by.length ? `jsonb_build_object(${by.map((k) => `'${dimsKey(k)}', dims->'${k}'`).join(', ')})` : `'{}'::jsonb`;
    const rows = await source.query<Array<{ institution: string; dims: Record<K, unknown>; value: string; distinct: string; max: string }>>(
      `SELECT institution, ${group} AS dims, sum(value)::text AS value, count(DISTINCT dims->>'${dimsKey(key)}') AS distinct,
              max(value)::text AS max
       FROM (SELECT institution, dims, sum(value) AS value FROM counter
             WHERE institution = ANY($1::text[]) AND metric = $2 AND day <= coalesce($3::date, 'infinity'::date) AND dims @> $4::jsonb
             GROUP BY institution, dims HAVING sum(value) <> 0) AS g
       GROUP BY 1, 2`,
      [source.institutions, metric, asOf, JSON.stringify(filter)],
    );
    return rows.map((r) => ({
      institution: r.institution,
      dims: r.dims,
      value: Number(r.value),
      distinct: Number(r.distinct),
      max: Number(r.max),
    }));
  }

  /** The read models of `kind` these records are (those a report's rows name), not every one of the institutions. */
  async readModelsByIds<S>(source: ReportSource, kind: string, refs: readonly RecordRef[]): Promise<Array<RecordRef & { state: S }>> {
    const unique = [...new Map(refs.map((r) => [recordKey(r.institution, r.id), r])).values()].filter((r) =>
      source.institutions.includes(r.institution),
    );
    if (unique.length === 0) return [];
    return source.query(
      // Found as for one institution (by institution, kind and ids), then kept if the pair is one asked for.
      `SELECT institution, id, state FROM read_model
       WHERE institution = ANY($1::text[]) AND kind = $2 AND id = ANY($3::text[]) AND state <> 'null'::jsonb
         AND (institution, id) IN (SELECT * FROM unnest($1::text[], $3::text[]))`,
      [unique.map((r) => r.institution), kind, unique.map((r) => r.id)],
    );
  }

  async readModels<S>(source: ReportSource, kind: string): Promise<Array<RecordRef & { state: S }>> {
    return source.query(
      `SELECT institution, id, state FROM read_model WHERE institution = ANY($1::text[]) AND kind = $2 AND state <> 'null'::jsonb`,
      [source.institutions, kind],
    );
  }

  /** Of the source's institutions: the newest event applied and when, events applied and parked (summed). */
  async freshness(
    source: ReportSource,
  ): Promise<{ lastEventTime: Date | null; lastAppliedAt: Date | null; eventsApplied: number; parked: number }> {
    const [f] = await source.query<Array<{ last_event_time: Date | null; last_applied_at: Date | null; events_applied: string | null }>>(
      `SELECT max(last_event_time) AS last_event_time, max(last_applied_at) AS last_applied_at, sum(events_applied)::text AS events_applied
       FROM freshness WHERE institution = ANY($1::text[])`,
      [source.institutions],
    );
    const [p] = await source.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM stream_pending WHERE institution = ANY($1::text[])`, [
      source.institutions,
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

export const total = (rows: ReadonlyArray<{ dims: unknown; value: number }>, where: (dims: never) => boolean = () => true): number =>
  rows.filter((r) => where(r.dims as never)).reduce((s, r) => s + r.value, 0);

export function rate(numerator: number, denominator: number): { numerator: number; denominator: number; rate: number } {
  return { numerator, denominator, rate: denominator === 0 ? 0 : Math.round((numerator / denominator) * 10000) / 10000 };
}
