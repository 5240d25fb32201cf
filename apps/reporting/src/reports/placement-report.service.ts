import { Injectable } from '@nestjs/common';
import { DESTINATION_CATEGORIES, type DestinationCategory, type ProgramSnapshot } from '@chanjiao/contracts';
import type { ReportSource } from './report-reader';
import type { GraduateState, InternState } from '../projection/placement.projections';
import { CounterRepository, rate, recordKey, total } from './counter.repository';
import type { GraduatesFigures, InternshipsFigures } from './report.dto';
import type { DataQualityView, InternshipKindRow, PlacementGrouping, PlacementRow } from './placement-report.dto';
import { CounterMetric } from '../projection/counter-metric';

interface GraduateDims {
  graduationYear: number;
  level: string;
  programCode: string;
}

export const GROUP_METRIC: Record<Exclude<PlacementGrouping, 'program'>, { metric: CounterMetric; dim: string }> = {
  category: { metric: CounterMetric.GraduatesByCategory, dim: 'category' },
  detail: { metric: CounterMetric.GraduatesByDetail, dim: 'detail' },
  sector: { metric: CounterMetric.GraduatesBySector, dim: 'sector' },
  region: { metric: CounterMetric.GraduatesByRegion, dim: 'region' },
};

/** Graduate placement, internship and data-quality figures, from the counters and read models of the placement projections. */
@Injectable()
export class PlacementReportService {
  constructor(private readonly counters: CounterRepository) {}

  /** The overview's `graduates`: graduations of the year, placed as of `asOf`, local employment. */
  async graduates(source: ReportSource, cohort: number, asOf: string): Promise<GraduatesFigures> {
    return (await this.destinations(source, cohort, asOf)).figures;
  }

  /** As {@link graduates}, with the graduates whose destination in force on `asOf` is of each category (none: 0). */
  async destinations(
    source: ReportSource,
    cohort: number,
    asOf: string,
  ): Promise<{ figures: GraduatesFigures; byCategory: Record<DestinationCategory, number> }> {
    // Summed in PostgreSQL: graduates' dims name their program.
    const [all, categories, local] = await Promise.all([
      this.counters.grandTotal(source, CounterMetric.Graduates, null, { graduationYear: cohort }),
      this.counters.totals(source, CounterMetric.GraduatesByCategory, asOf, { cohort }, ['category']),
      this.counters.grandTotal(source, CounterMetric.GraduatesLocalEmployed, asOf, { cohort }),
    ]);
    const placed = total(categories, (d: { category: string }) => d.category !== 'not_placed');
    const byCategory = Object.fromEntries(
      DESTINATION_CATEGORIES.map((c) => [c, total(categories, (d: { category: string }) => d.category === c)]),
    ) as Record<DestinationCategory, number>;
    return {
      figures: { cohort, total: all, placed, notPlaced: all - placed, placement: rate(placed, all), localEmployed: local },
      byCategory,
    };
  }

  /** The overview's `internships`: internships starting from 1 January of the year to asOf (the year dimension ends it on 31 December). */
  async internships(source: ReportSource, year: number, asOf: string): Promise<InternshipsFigures> {
    const [students, localStudents] = await Promise.all([
      this.counters.grandTotal(source, CounterMetric.InternshipsStudents, asOf, { year }),
      this.counters.grandTotal(source, CounterMetric.InternshipsLocalStudents, asOf, { year }),
    ]);
    return { students, localStudents };
  }

  /** Placement of a cohort as of a date, grouped; see PlacementReportView for what numerator and denominator are. */
  async placement(
    source: ReportSource,
    cohort: number,
    asOf: string,
    by: PlacementGrouping,
  ): Promise<{ rows: PlacementRow[]; totals: GraduatesFigures }> {
    const totals = await this.graduates(source, cohort, asOf);
    if (by === 'program') {
      const [graduates, placed] = await Promise.all([
        this.counters.sum<GraduateDims>(source, CounterMetric.Graduates, null, { graduationYear: cohort }),
        this.counters.sum<{ programCode: string }>(source, CounterMetric.GraduatesByProgram, asOf, { cohort, placed: true }),
      ]);
      // The names of the programs the rows name only; a code is a program of one institution, and several institutions'
      // rows are a row per institution and program (naming its institution).
      const programs = await this.counters.readModelsByIds<ProgramSnapshot>(
        source,
        'program',
        [...graduates, ...placed].map((r) => ({ institution: r.institution, id: r.dims.programCode })),
      );
      const name = new Map(programs.map((p) => [recordKey(p.institution, p.id), p.state.name]));
      const several = source.institutions.length > 1;
      const groups = new Map<string, { institution: string; code: string; n: number; d: number }>();
      const group = (institution: string, code: string) => {
        const k = recordKey(several ? institution : '', code);
        return groups.get(k) ?? groups.set(k, { institution, code, n: 0, d: 0 }).get(k)!;
      };
      for (const r of graduates) group(r.institution, r.dims.programCode).d += r.value;
      for (const r of placed) group(r.institution, r.dims.programCode).n += r.value;
      const rows = [...groups.values()]
        .sort((a, b) => a.code.localeCompare(b.code) || a.institution.localeCompare(b.institution))
        .map((g): PlacementRow => {
          const label = name.get(recordKey(g.institution, g.code));
          return Object.assign({ key: g.code }, several ? { institution: g.institution } : {}, label ? { label } : {}, rate(g.n, g.d));
        });
      return { rows, totals };
    }
    const { metric, dim } = GROUP_METRIC[by];
    const counted = await this.counters.sum<Record<string, unknown>>(source, metric, asOf, { cohort });
    const groups = new Map<string, { n: number; local?: boolean }>();
    for (const r of counted) {
      const key = r.dims[dim] === null || r.dims[dim] === undefined ? 'none' : String(r.dims[dim]);
      const g = groups.get(key) ?? Object.assign({ n: 0 }, by === 'region' ? { local: r.dims.local === true } : {});
      g.n += r.value;
      groups.set(key, g);
    }
    const rows = [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, g]): PlacementRow => Object.assign({ key }, g.local !== undefined ? { local: g.local } : {}, rate(g.n, totals.total)));
    const unrecorded = totals.total - total(counted);
    if (unrecorded > 0) rows.push(Object.assign({ key: 'unrecorded' }, rate(unrecorded, totals.total)));
    return { rows, totals };
  }

  /** Internships starting in a year (to asOf): students, local students, by kind. */
  async internshipReport(source: ReportSource, year: number, asOf: string) {
    const [figures, counts, byKind] = await Promise.all([
      this.internships(source, year, asOf),
      this.counters.sum<{ kind: string; local: boolean; completed: boolean }>(source, CounterMetric.InternshipsCount, asOf, { year }),
      this.counters.sum<{ kind: string }>(source, CounterMetric.InternshipsStudentsByKind, asOf, { year }),
    ]);
    const kinds = [...new Set([...counts.map((c) => c.dims.kind), ...byKind.map((c) => c.dims.kind)])].sort();
    const rows = kinds.map((kind): InternshipKindRow => ({
      kind,
      internships: total(counts, (d: { kind: string }) => d.kind === kind),
      local: total(counts, (d: { kind: string; local: boolean }) => d.kind === kind && d.local),
      completed: total(counts, (d: { kind: string; completed: boolean }) => d.kind === kind && d.completed),
      students: total(byKind, (d: { kind: string }) => d.kind === kind),
    }));
    return Object.assign({}, figures, {
      localShare: rate(figures.localStudents, figures.students),
      internships: total(counts),
      completed: total(counts, (d: { completed: boolean }) => d.completed),
      byKind: rows,
    });
  }

  /** Graduates known to one side only, and internships of students the enrollment service never announced. */
  async dataQuality(
    source: ReportSource,
    year: number | null,
    limit: number,
  ): Promise<Omit<DataQualityView, 'institution' | 'year' | 'asOf'>> {
    const NO_GRADUATION = `kind = 'graduate' AND state->'graduation' = 'null'::jsonb AND jsonb_array_length(state->'versions') > 0
      AND ($2::int IS NULL OR (state->'versions'->-1->>'graduationYear')::int = $2)`;
    const NO_DESTINATION = `kind = 'graduate' AND jsonb_typeof(state->'graduation') = 'object' AND jsonb_array_length(state->'versions') = 0
      AND ($2::int IS NULL OR (state->'graduation'->>'graduationYear')::int = $2)`;
    // Internships carry no graduation year: this finding is never year-scoped ($2 is only typed, for the shared parameters).
    const UNKNOWN = `kind = 'intern' AND state->'known' = 'false'::jsonb AND state->'internships' <> '{}'::jsonb AND ($2::int IS NULL OR true)`;
    const list = <S>(where: string) =>
      source.query<Array<{ institution: string; id: string; state: S }>>(
        `SELECT institution, id, state FROM read_model WHERE institution = ANY($1::text[]) AND ${where} ORDER BY id, institution LIMIT $3`,
        [source.institutions, year, limit],
      );
    // Several institutions' findings name whose student each is (student numbers are per institution).
    const whose = (institution: string): { institution?: string } => (source.institutions.length > 1 ? { institution } : {});
    const count = async (where: string) => {
      const [r] = await source.query<Array<{ n: string; internships: string | null }>>(
        `SELECT count(*) AS n, sum((SELECT count(*) FROM jsonb_object_keys(CASE WHEN kind = 'intern' THEN state->'internships' ELSE '{}' END)))
           AS internships FROM read_model WHERE institution = ANY($1::text[]) AND ${where}`,
        [source.institutions, year],
      );
      return { n: Number(r?.n ?? 0), internships: Number(r?.internships ?? 0) };
    };
    const [noGraduation, noDestination, unknown, c1, c2, c3] = await Promise.all([
      list<GraduateState>(NO_GRADUATION),
      list<GraduateState>(NO_DESTINATION),
      list<InternState>(UNKNOWN),
      count(NO_GRADUATION),
      count(NO_DESTINATION),
      count(UNKNOWN),
    ]);
    return {
      destinationsWithoutGraduation: {
        count: c1.n,
        items: noGraduation.map(({ institution, id, state }) => {
          const v = state.versions.at(-1)!;
          return Object.assign(whose(institution), {
            studentId: id,
            graduationYear: v.graduationYear,
            programCode: v.programCode,
            category: v.category,
            effectiveDate: v.effectiveDate,
          });
        }),
      },
      graduationsWithoutDestination: {
        count: c2.n,
        items: noDestination.map(({ institution, id, state }) =>
          Object.assign(whose(institution), {
            studentId: id,
            graduationYear: state.graduation!.graduationYear,
            programCode: state.graduation!.programCode,
          }),
        ),
      },
      internshipsOfUnknownStudents: {
        count: c3.n,
        internships: c3.internships,
        items: unknown.map(({ institution, id, state }) =>
          Object.assign(whose(institution), { studentId: id, internshipIds: Object.keys(state.internships).sort() }),
        ),
      },
    };
  }
}
