import { Injectable } from '@nestjs/common';
import type { ProgramSnapshot } from '@chanjiao/contracts';
import { CounterRepository, CounterRow, rate, recordKey, total } from './counter.repository';
import type { ReportSource } from './report-reader';
import type { EnrollmentGrouping, EnrollmentRow, IntakeFigures, ProgramsFigures } from './report.dto';
import { CounterMetric } from '../projection/counter-metric';

interface IntakeDims {
  cohortYear: number;
  level: string;
  pathway: string;
  programCode: string;
}
interface GraduateDims {
  graduationYear: number;
  level: string;
  programCode: string;
}
interface ProgramDims {
  level: string;
  aligned: boolean;
}

const THROUGH_23 = 'through_2_3';

/** Enrollment figures of the overview and the enrollment report, from the counters. */
@Injectable()
export class EnrollmentReportService {
  constructor(private readonly counters: CounterRepository) {}

  /** Summed in PostgreSQL: each open program is a dims of its own (DESIGN.md §5 counts distinct categories and clusters). */
  async programs(source: ReportSource): Promise<ProgramsFigures> {
    const [rows, categories, clusters] = await Promise.all([
      this.counters.totals(source, CounterMetric.ProgramsOpen, null, {}, ['level', 'aligned']),
      this.counters.spread(source, CounterMetric.ProgramsOpen, null, {}, 'category'),
      this.counters.spread(source, CounterMetric.ProgramsOpen, null, {}, 'cluster'),
    ]);
    const open = total(rows);
    const aligned = total(rows, (d: ProgramDims) => d.aligned);
    return {
      open,
      higherVocational: total(rows, (d: ProgramDims) => d.level === 'higher_vocational'),
      undergraduate: total(rows, (d: ProgramDims) => d.level === 'undergraduate'),
      categories: categories.distinct,
      clusters: clusters.distinct,
      alignedShare: rate(aligned, open).rate,
    };
  }

  async intake(source: ReportSource, year: number, asOf: string): Promise<IntakeFigures> {
    const rows = await this.counters.totals(source, CounterMetric.Intake, asOf, { cohortYear: year }, ['level', 'pathway']);
    const counted = (level?: string) => total(rows, (d: IntakeDims) => d.pathway !== THROUGH_23 && (!level || d.level === level));
    return {
      total: counted(),
      undergraduate: counted('undergraduate'),
      higherVocational: counted('higher_vocational'),
      secondary: counted('secondary'),
      through23: total(rows, (d: IntakeDims) => d.pathway === THROUGH_23),
    };
  }

  /** Intake, 2+3 intake, withdrawals and graduates of a year, grouped. A program in several sectors counts in each. */
  async grouped(
    source: ReportSource,
    year: number,
    asOf: string,
    by: EnrollmentGrouping,
  ): Promise<{ rows: EnrollmentRow[]; totals: EnrollmentRow }> {
    // Summed in PostgreSQL by what the grouping needs: by level or pathway a few rows, whatever the number of programs.
    const perProgram = by !== 'level' && by !== 'pathway';
    const studentKeys = perProgram ? (['pathway', 'programCode'] as const) : (['level', 'pathway'] as const);
    const graduateKeys = perProgram ? (['programCode'] as const) : (['level'] as const);
    const [intake, withdrawals, graduates] = (await Promise.all([
      this.counters.totals(source, CounterMetric.Intake, asOf, { cohortYear: year }, studentKeys),
      this.counters.totals(source, CounterMetric.Withdrawals, asOf, { cohortYear: year }, studentKeys),
      this.counters.totals(source, CounterMetric.Graduates, null, { graduationYear: year }, graduateKeys),
    ])) as [Array<CounterRow<IntakeDims>>, Array<CounterRow<IntakeDims>>, Array<CounterRow<GraduateDims>>];
    // Only the programs the year's rows name, and only for the groupings that need them; a code is a program of one
    // institution (two colleges may both teach 460103).
    const named = perProgram ? [...intake, ...withdrawals, ...graduates] : [];
    const programs = await this.counters.readModelsByIds<ProgramSnapshot>(
      source,
      'program',
      named.map((r) => ({ institution: r.institution, id: r.dims.programCode })),
    );
    const program = new Map(programs.map((p) => [recordKey(p.institution, p.id), p.state]));
    // Several institutions' rows by program are a row per institution and program (the row names its institution).
    const several = source.institutions.length > 1;
    const groupKey = (key: string, institution: string) => (by === 'program' && several ? recordKey(institution, key) : key);
    const keysOf = (institution: string, d: { level?: string; pathway?: string; programCode?: string }): string[] => {
      const p = d.programCode ? program.get(recordKey(institution, d.programCode)) : undefined;
      switch (by) {
        case 'level':
          return [d.level ?? 'unknown'];
        case 'pathway':
          return [d.pathway ?? 'unknown'];
        case 'program':
          return [d.programCode ?? 'unknown'];
        case 'category':
          return [p?.category ?? 'unknown'];
        case 'sector':
          return p?.sectors.length ? p.sectors : ['unknown'];
        default: {
          const never: never = by;
          throw new Error(`unknown grouping ${String(never)}`);
        }
      }
    };
    const groups = new Map<string, EnrollmentRow>();
    const row = (key: string, institution: string): EnrollmentRow => {
      let r = groups.get(groupKey(key, institution));
      if (!r) {
        const label = by === 'program' ? program.get(recordKey(institution, key))?.name : undefined;
        r = Object.assign({ key }, by === 'program' && several ? { institution } : {}, label ? { label } : {}, {
          intake: 0,
          through23: 0,
          withdrawals: 0,
          graduates: by === 'pathway' ? null : 0,
        });
        groups.set(groupKey(key, institution), r);
      }
      return r;
    };
    const add = (
      rows: Array<CounterRow<IntakeDims | GraduateDims>>,
      apply: (r: EnrollmentRow, c: CounterRow<IntakeDims | GraduateDims>) => void,
    ) => {
      for (const c of rows) for (const key of keysOf(c.institution, c.dims)) apply(row(key, c.institution), c);
    };
    add(intake, (r, c) => {
      if ((c.dims as IntakeDims).pathway === THROUGH_23) r.through23 += c.value;
      else r.intake += c.value;
    });
    add(withdrawals, (r, c) => (r.withdrawals += c.value));
    if (by !== 'pathway') add(graduates, (r, c) => (r.graduates = (r.graduates ?? 0) + c.value));
    const rows = [...groups.values()].sort(
      (a, b) => a.key.localeCompare(b.key) || (a.institution ?? '').localeCompare(b.institution ?? ''),
    );
    const totals: EnrollmentRow = {
      key: 'total',
      intake: total(intake, (d: IntakeDims) => d.pathway !== THROUGH_23),
      through23: total(intake, (d: IntakeDims) => d.pathway === THROUGH_23),
      withdrawals: total(withdrawals),
      graduates: by === 'pathway' ? null : total(graduates),
    };
    return { rows, totals };
  }
}
