import { Injectable } from '@nestjs/common';
import { KEY_SECTORS, SECTOR_LABELS, type ProgramSnapshot, type Sector } from '@chanjiao/contracts';
import { CounterRepository, CounterRow, rate, recordKey } from './counter.repository';
import type { ReportSource } from './report-reader';
import {
  ALIGNMENT_ROWS,
  type AlignmentFigures,
  type AlignmentProgramView,
  type AlignmentRow,
  type AlignmentRowKey,
  type AlignmentTotals,
} from './alignment-report.dto';
import { CounterMetric } from '../projection/counter-metric';

const KEY = new Set<string>(KEY_SECTORS);
const THROUGH_23 = 'through_2_3';

const LABELS: Record<AlignmentRowKey | 'total', { zh: string; en: string }> = Object.assign({}, SECTOR_LABELS, {
  multiple: { zh: '跨多个重点产业', en: 'Several key sectors' },
  total: { zh: '合计', en: 'Total' },
});

/** The row a program's figures count in: its one key sector, `multiple` for several, `other` for none (or no program known). */
export function alignmentRowOf(program: Pick<ProgramSnapshot, 'sectors'> | undefined): AlignmentRowKey {
  const keys = (program?.sectors ?? []).filter((s) => KEY.has(s)) as Array<(typeof KEY_SECTORS)[number]>;
  return keys.length === 1 ? keys[0]! : keys.length > 1 ? 'multiple' : 'other';
}

/** The row a partner's or an alliance's own sector counts in. */
const rowOfSector = (sector: unknown): AlignmentRowKey =>
  typeof sector === 'string' && KEY.has(sector) ? (sector as AlignmentRowKey) : 'other';

const zeros = (): AlignmentFigures => ({
  programs: 0,
  intake: 0,
  graduates: 0,
  placed: 0,
  employed: 0,
  localEmployed: 0,
  employedInOwnSector: rate(0, 0),
  partnerEnterprises: 0,
  orderClassStudents: 0,
  alliances: 0,
});

type Counted = Exclude<keyof AlignmentFigures, 'employedInOwnSector'>;

/**
 * Program–industry alignment (DESIGN.md §5): per key sector the open programs, their intake, graduates, placement and
 * employment, the enterprise partners and alliances of the sector, and order-class students. Every figure that comes
 * from students or order classes counts in the row of its program (the program's sectors as mapped now, read from its
 * read model as the enrollment report's `by=sector` does, so a program mapped anew needs no recount); each program in
 * exactly one row, so that every column sums to the overview's figure for the same year and asOf.
 */
@Injectable()
export class AlignmentReportService {
  constructor(private readonly counters: CounterRepository) {}

  async report(
    source: ReportSource,
    year: number,
    asOf: string,
    programLimit: number,
  ): Promise<{ rows: AlignmentRow[]; totals: AlignmentTotals }> {
    // Summed in PostgreSQL per program (or per sector): as many rows as programs, whatever the number of students.
    const [open, intake, graduates, placed, employed, orderClasses, enterprises, alliances] = await Promise.all([
      this.counters.totals(source, CounterMetric.ProgramsOpen, null, {}, ['code']),
      this.counters.totals(source, CounterMetric.Intake, asOf, { cohortYear: year }, ['pathway', 'programCode']),
      this.counters.totals(source, CounterMetric.Graduates, null, { graduationYear: year }, ['programCode']),
      this.counters.totals(source, CounterMetric.GraduatesByProgram, asOf, { cohort: year, placed: true }, ['programCode']),
      this.counters.totals(source, CounterMetric.GraduatesEmployedByProgram, asOf, { cohort: year }, ['programCode', 'local', 'sector']),
      this.counters.totals(source, CounterMetric.PartnershipsOrderClassStudents, null, { cohortYear: year }, ['programCode']),
      this.counters.totals(source, CounterMetric.PartnershipsEnterprisesBySector, asOf, {}, ['sector']),
      this.counters.totals(source, CounterMetric.Alliances, asOf, {}, ['sector']),
    ]);
    // A code is a program of one institution (two colleges may both teach 470201): read and keyed by both.
    const refs = [
      open.map((r) => ({ institution: r.institution, id: r.dims.code })),
      ...[intake, graduates, placed, employed, orderClasses].map((rows) =>
        rows.map((r) => ({ institution: r.institution, id: r.dims.programCode })),
      ),
    ]
      .flat()
      .filter((r): r is { institution: string; id: string } => typeof r.id === 'string');
    const known = new Map(
      (await this.counters.readModelsByIds<ProgramSnapshot>(source, 'program', refs)).map((p) => [recordKey(p.institution, p.id), p.state]),
    );
    const programOf = (institution: string, code: unknown) =>
      typeof code === 'string' ? known.get(recordKey(institution, code)) : undefined;
    const several = source.institutions.length > 1;

    const figures = new Map(ALIGNMENT_ROWS.map((k) => [k, zeros()]));
    const listed = new Map(ALIGNMENT_ROWS.map((k) => [k, [] as AlignmentProgramView[]]));
    const ownSector = new Map(ALIGNMENT_ROWS.map((k) => [k, { inOwn: 0, stated: 0 }]));
    const programRow = (institution: string, code: unknown) => alignmentRowOf(programOf(institution, code));
    const add = (
      rows: Array<CounterRow<Record<string, unknown>>>,
      figure: Counted,
      rowOf: (dims: Record<string, unknown>, institution: string) => AlignmentRowKey,
    ) => {
      for (const r of rows) figures.get(rowOf(r.dims, r.institution))![figure] += r.value;
    };
    const byProgram = (d: Record<string, unknown>, institution: string) => programRow(institution, d.programCode);

    add(open, 'programs', (d, institution) => programRow(institution, d.code));
    add(
      intake.filter((r) => r.dims.pathway !== THROUGH_23),
      'intake',
      byProgram,
    );
    add(graduates, 'graduates', byProgram);
    add(placed, 'placed', byProgram);
    add(employed, 'employed', byProgram);
    add(
      employed.filter((r) => r.dims.local === true),
      'localEmployed',
      byProgram,
    );
    add(orderClasses, 'orderClassStudents', byProgram);
    add(enterprises, 'partnerEnterprises', (d) => rowOfSector(d.sector));
    add(alliances, 'alliances', (d) => rowOfSector(d.sector));
    for (const r of employed) {
      // Only destinations that state a sector tell whether the job is in the program's own.
      if (typeof r.dims.sector !== 'string') continue;
      const own = ownSector.get(byProgram(r.dims, r.institution))!;
      own.stated += r.value;
      const program = programOf(r.institution, r.dims.programCode);
      if (program?.sectors.includes(r.dims.sector as Sector)) own.inOwn += r.value;
    }
    for (const r of open) {
      const code = r.dims.code as string;
      const program = programOf(r.institution, code);
      listed.get(programRow(r.institution, code))!.push(
        Object.assign({ code }, several ? { institution: r.institution } : {}, {
          name: program?.name ?? code,
          sectors: program?.sectors ?? [],
        }),
      );
    }

    const rows = ALIGNMENT_ROWS.map((key): AlignmentRow => {
      const own = ownSector.get(key)!;
      const list = listed
        .get(key)!
        .sort((a, b) => a.code.localeCompare(b.code) || (a.institution ?? '').localeCompare(b.institution ?? ''));
      return Object.assign(
        { key, label: LABELS[key].zh, labelEn: LABELS[key].en },
        figures.get(key)!,
        { employedInOwnSector: rate(own.inOwn, own.stated) },
        { programList: list.slice(0, programLimit), programsNotListed: Math.max(0, list.length - programLimit) },
      );
    });
    const sum = (f: Counted) => rows.reduce((s, r) => s + r[f], 0);
    const totals: AlignmentTotals = {
      key: 'total',
      label: LABELS.total.zh,
      labelEn: LABELS.total.en,
      programs: sum('programs'),
      intake: sum('intake'),
      graduates: sum('graduates'),
      placed: sum('placed'),
      employed: sum('employed'),
      localEmployed: sum('localEmployed'),
      employedInOwnSector: rate(
        rows.reduce((s, r) => s + r.employedInOwnSector.numerator, 0),
        rows.reduce((s, r) => s + r.employedInOwnSector.denominator, 0),
      ),
      partnerEnterprises: sum('partnerEnterprises'),
      orderClassStudents: sum('orderClassStudents'),
      alliances: sum('alliances'),
    };
    return { rows, totals };
  }
}
