import { Injectable } from '@nestjs/common';
import type { ReportSource } from './report-reader';

export interface CounterRow<D = Record<string, unknown>> {
  dims: D;
  value: number;
}

/** Reads the counters the projections maintain; every report is a sum over a few hundred rows at most. */
@Injectable()
export class CounterRepository {
  /** Sums of `metric` per dims, over facts dated on or before `asOf` (all when null), whose dims contain `filter`. */
  async sum<D = Record<string, unknown>>(
    source: ReportSource,
    metric: string,
    asOf: string | null,
    filter: Record<string, unknown> = {},
  ): Promise<Array<CounterRow<D>>> {
    const rows = await this.sumText<D>(source, metric, asOf, filter);
    return rows.map((r) => ({ dims: r.dims, value: Number(r.value) }));
  }

  /** As {@link sum}, exact for any size (money in cents): sums come back as bigint. */
  async exactSum<D = Record<string, unknown>>(
    source: ReportSource,
    metric: string,
    asOf: string | null,
    filter: Record<string, unknown> = {},
  ): Promise<Array<{ dims: D; value: bigint }>> {
    const rows = await this.sumText<D>(source, metric, asOf, filter);
    return rows.map((r) => ({ dims: r.dims, value: BigInt(r.value) }));
  }

  private sumText<D>(source: ReportSource, metric: string, asOf: string | null, filter: Record<string, unknown>) {
    return source.query<Array<{ dims: D; value: string }>>(
      `SELECT dims, sum(value)::text AS value FROM counter
       WHERE institution = $1 AND metric = $2 AND day <= coalesce($3::date, 'infinity'::date) AND dims @> $4::jsonb
       GROUP BY dims HAVING sum(value) <> 0`,
      [source.institution, metric, asOf, JSON.stringify(filter)],
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

export const total = (rows: Array<CounterRow<unknown>>, where: (dims: never) => boolean = () => true): number =>
  rows.filter((r) => where(r.dims as never)).reduce((s, r) => s + r.value, 0);

export function rate(numerator: number, denominator: number): { numerator: number; denominator: number; rate: number } {
  return { numerator, denominator, rate: denominator === 0 ? 0 : Math.round((numerator / denominator) * 10000) / 10000 };
}
