import { LEADING_ALLIANCE_ROLES } from '@chanjiao/contracts';
import { CounterMetric } from '../projection/counter-metric';
import { ENROLLMENT_GROUPINGS } from './report.dto';
import { PARTNERSHIP_GROUPINGS } from './partnership-report.dto';
import { PLACEMENT_GROUPINGS } from './placement-report.dto';
import { GROUP_METRIC } from './placement-report.service';

/**
 * What a report figure sums, as data: the read-model facts (and so the counters) of a metric whose dims contain a filter,
 * in a window of days. GET /reports/explain lists the read models whose facts a figure's terms select, and computes the
 * figure from the counters with the same terms, so the listing and the figure come from one definition. The reports'
 * own services sum the same metrics and filters (the int-spec holds every field here to the report's figure).
 */
export type Window =
  /** Facts of any day (the figure does not depend on asOf). */
  | 'ever'
  /** Facts dated on or before asOf. */
  | 'asOf'
  /** "in Y": from 1 January Y to asOf, or to 31 December Y when asOf is later (DESIGN.md §5). */
  | 'inYear'
  /** On or before the earlier of asOf and this date (the partnerships report's status by year). */
  | { capAt: string };

export interface DimsTest {
  key: string;
  /** dims[key] (as text) is one of these. */
  in?: readonly string[];
  /** dims[key] is null, absent or none of these. */
  notIn?: readonly string[];
  /** dims[key] is null or absent. */
  isNull?: boolean;
}

/** The program that dims.programCode names has this category, or lists this sector ('unknown': no such program, or none). */
export interface ProgramTest {
  by: 'category' | 'sector';
  key: string;
}

export interface Term {
  /** The read-model kind whose facts these are. */
  kind: string;
  metric: CounterMetric;
  /** dims @> filter. */
  filter: Record<string, string | number | boolean>;
  tests?: DimsTest[];
  program?: ProgramTest;
  window: Window;
  /** -1: subtracted (notPlaced = graduates − placed). */
  sign?: -1;
}

/**
 * How a figure is made of its records: `sum` of their values; `distinct` values of a dims key (each value counted at the
 * first record that has it, by institution and id); `max` of their values (counted at the first record that has it).
 */
export type Aggregate = { kind: 'sum' } | { kind: 'distinct'; key: string } | { kind: 'max' };

export interface FigureDefinition {
  field: string;
  terms: Term[];
  aggregate: Aggregate;
  /** Sums of integer cents, shown as CNY decimal strings. */
  money?: boolean;
}

const SUM: Aggregate = { kind: 'sum' };
const THROUGH_23 = 'through_2_3';
const one = (field: string, term: Term, aggregate: Aggregate = SUM, money = false): FigureDefinition =>
  Object.assign({ field, terms: [term], aggregate }, money ? { money } : {});

/** The overview's fields (DESIGN.md §5), by dotted path, for year Y. */
function overviewFields(y: number): Record<string, FigureDefinition> {
  const open = (test?: DimsTest): Term =>
    Object.assign(
      { kind: 'program', metric: CounterMetric.ProgramsOpen, filter: {}, window: 'ever' as const },
      test ? { tests: [test] } : {},
    );
  const intake = (test: DimsTest, level?: string): Term => ({
    kind: 'student',
    metric: CounterMetric.Intake,
    filter: level ? { cohortYear: y, level } : { cohortYear: y },
    tests: [test],
    window: 'asOf',
  });
  const notThrough = { key: 'pathway', notIn: [THROUGH_23] };
  const graduates: Term = { kind: 'student', metric: CounterMetric.Graduates, filter: { graduationYear: y }, window: 'ever' };
  const placed: Term = {
    kind: 'graduate',
    metric: CounterMetric.GraduatesByCategory,
    filter: { cohort: y },
    tests: [{ key: 'category', notIn: ['not_placed'] }],
    window: 'asOf',
  };
  const signed = (kind: string): Term => ({
    kind: 'agreement',
    metric: CounterMetric.PartnershipsAgreementSigned,
    filter: { by: 'kind', key: kind },
    window: 'inYear',
  });
  const dated = (kind: string, metric: CounterMetric, filter: Term['filter'] = {}): Term => ({ kind, metric, filter, window: 'asOf' });
  const alliances = (test?: DimsTest): Term => Object.assign(dated('alliance', CounterMetric.Alliances), test ? { tests: [test] } : {});
  const fields: FigureDefinition[] = [
    one('programs.open', open()),
    one('programs.higherVocational', open({ key: 'level', in: ['higher_vocational'] })),
    one('programs.undergraduate', open({ key: 'level', in: ['undergraduate'] })),
    one('programs.categories', open(), { kind: 'distinct', key: 'category' }),
    one('programs.clusters', open(), { kind: 'distinct', key: 'cluster' }),
    one('programs.alignedShare.numerator', open({ key: 'aligned', in: ['true'] })),
    one('programs.alignedShare.denominator', open()),
    one('intake.total', intake(notThrough)),
    one('intake.undergraduate', intake(notThrough, 'undergraduate')),
    one('intake.higherVocational', intake(notThrough, 'higher_vocational')),
    one('intake.secondary', intake(notThrough, 'secondary')),
    one('intake.through23', intake({ key: 'pathway', in: [THROUGH_23] })),
    one('graduates.total', graduates),
    one('graduates.placed', placed),
    { field: 'graduates.notPlaced', terms: [graduates, Object.assign({}, placed, { sign: -1 as const })], aggregate: SUM },
    one('graduates.placement.numerator', placed),
    one('graduates.placement.denominator', graduates),
    one('graduates.localEmployed', dated('graduate', CounterMetric.GraduatesLocalEmployed, { cohort: y })),
    one('internships.students', dated('intern', CounterMetric.InternshipsStudents, { year: y })),
    one('internships.localStudents', dated('intern', CounterMetric.InternshipsLocalStudents, { year: y })),
    one('partnerships.enterprises', dated('partner', CounterMetric.PartnershipsEnterprises)),
    one('partnerships.schoolEnterpriseSigned', signed('school_enterprise')),
    one('partnerships.governmentSchool', signed('government_school')),
    one('partnerships.university', signed('university')),
    one('partnerships.certificatePilots', dated('certificate_pilot', CounterMetric.PartnershipsCertificatePilots)),
    one('partnerships.certificatePilotEnterprises', dated('partner', CounterMetric.PartnershipsPilotPartners)),
    one('partnerships.industryColleges', dated('industry_college', CounterMetric.PartnershipsIndustryColleges)),
    one(
      'partnerships.orderClasses.programs',
      { kind: 'order_class', metric: CounterMetric.PartnershipsOrderClasses, filter: { cohortYear: y }, window: 'ever' },
      { kind: 'distinct', key: 'programCode' },
    ),
    one('partnerships.orderClasses.students', {
      kind: 'order_class',
      metric: CounterMetric.PartnershipsOrderClassStudents,
      filter: { cohortYear: y },
      window: 'ever',
    }),
    one(
      'trainingBases.investment',
      { kind: 'training_base', metric: CounterMetric.TrainingBasesInvestment, filter: {}, window: 'inYear' },
      SUM,
      true,
    ),
    one('alliances.total', alliances()),
    one('alliances.led', alliances({ key: 'role', in: LEADING_ALLIANCE_ROLES })),
    one('alliances.members', dated('alliance_member', CounterMetric.AllianceMembers)),
    one('alliances.forumParticipants', dated('alliance_activity', CounterMetric.AllianceActivityParticipants, { year: y, kind: 'forum' }), {
      kind: 'max',
    }),
  ];
  return Object.fromEntries(fields.map((f) => [f.field, f]));
}

/** The overview's explainable fields (the same for every year). */
export const OVERVIEW_FIELDS: readonly string[] = Object.keys(overviewFields(2000));

/** The row fields of the breakdown reports: `<report>.<by>=<key>.<column>` (or `<report>.total.<column>`). */
export const ROW_FIELDS = {
  enrollment: { by: [...ENROLLMENT_GROUPINGS, 'total'], columns: ['intake', 'through23', 'withdrawals', 'graduates'] },
  placement: { by: [...PLACEMENT_GROUPINGS], columns: ['numerator', 'denominator'] },
  partnerships: {
    by: [...PARTNERSHIP_GROUPINGS, 'total'],
    columns: ['signed', 'renewed', 'active', 'expired', 'terminated', 'enterprises'],
  },
  alliances: { by: ['alliance'], columns: ['members', 'joins', 'departures', 'contributions', 'contributionAmount', 'activities'] },
} as const;
type RowReport = keyof typeof ROW_FIELDS;

/** Sections of the partnerships report that are no rows: `<path>.<key>`. */
const PARTNERSHIP_SECTIONS = { 'partnerships.investment': 'source', 'partnerships.certificatePilots.results': 'measure' } as const;

/** Every accepted field, as documented (OpenAPI, README) and as a 400 lists close matches from. */
export const FIELD_PATTERNS: readonly string[] = [
  ...OVERVIEW_FIELDS,
  ...Object.entries(ROW_FIELDS).flatMap(([report, { by, columns }]) =>
    columns.map((c) => `${report}.<${by.filter((b) => b !== 'total').join('|')}>=<key>.${c}`),
  ),
  'enrollment.total.<intake|through23|withdrawals|graduates>',
  'partnerships.total.<signed|renewed|active|expired|terminated|enterprises>',
  'partnerships.investment.<total|central_government|regional_government|school|enterprise|other>',
  'partnerships.certificatePilots.results.<trained|sat|passed>',
];

export class UnknownFieldError extends Error {
  constructor(
    readonly field: string,
    readonly closeMatches: string[],
  ) {
    super(`unknown field ${field}`);
  }
}

/** The definition of `field` for year Y; UnknownFieldError (with the closest accepted fields) for anything else. */
export function figureDefinition(field: string, y: number): FigureDefinition {
  const found = overviewFields(y)[field] ?? rowField(field, y) ?? sectionField(field, y);
  if (!found) throw new UnknownFieldError(field, closeMatches(field));
  return Object.assign({}, found, { field });
}

function sectionField(field: string, y: number): FigureDefinition | undefined {
  for (const [path] of Object.entries(PARTNERSHIP_SECTIONS)) {
    if (!field.startsWith(`${path}.`)) continue;
    const key = field.slice(path.length + 1);
    if (path === 'partnerships.investment') {
      const sources = ['central_government', 'regional_government', 'school', 'enterprise', 'other'];
      if (key !== 'total' && !sources.includes(key)) return undefined;
      const filter: Term['filter'] = key === 'total' ? { year: y } : { year: y, source: key };
      return one(field, { kind: 'training_base', metric: CounterMetric.TrainingBasesInvestment, filter, window: 'inYear' }, SUM, true);
    }
    if (!['trained', 'sat', 'passed'].includes(key)) return undefined;
    return one(field, {
      kind: 'certificate_pilot',
      metric: CounterMetric.PartnershipsPilotResults,
      filter: { year: y, measure: key },
      window: 'ever',
    });
  }
  return undefined;
}

/** Splits `<report>.<by>=<key>.<column>` (the key may hold dots) or `<report>.total.<column>`. */
export function parseRowField(field: string): { report: RowReport; by: string; key: string | null; column: string } | undefined {
  const first = field.indexOf('.');
  const last = field.lastIndexOf('.');
  if (first < 0 || last <= first) return undefined;
  const report = field.slice(0, first);
  if (!(report in ROW_FIELDS)) return undefined;
  const spec = ROW_FIELDS[report as RowReport];
  const middle = field.slice(first + 1, last);
  const column = field.slice(last + 1);
  if (!(spec.columns as readonly string[]).includes(column)) return undefined;
  if (middle === 'total')
    return (spec.by as readonly string[]).includes('total') ? { report: report as RowReport, by: 'total', key: null, column } : undefined;
  const eq = middle.indexOf('=');
  if (eq <= 0 || eq === middle.length - 1) return undefined;
  const by = middle.slice(0, eq);
  if (by === 'total' || !(spec.by as readonly string[]).includes(by)) return undefined;
  return { report: report as RowReport, by, key: middle.slice(eq + 1), column };
}

function rowField(field: string, y: number): FigureDefinition | undefined {
  const parsed = parseRowField(field);
  if (!parsed) return undefined;
  const { report, by, key, column } = parsed;
  switch (report) {
    case 'enrollment':
      return enrollmentRow(field, y, by, key, column);
    case 'placement':
      return placementRow(field, y, by, key!, column);
    case 'partnerships':
      return partnershipRow(field, y, by, key, column);
    case 'alliances':
      return allianceRow(field, y, key!, column);
    default: {
      const never: never = report;
      throw new Error(`unknown report ${String(never)}`);
    }
  }
}

/** The enrollment report's rows (EnrollmentReportService.grouped): intake and 2+3 intake and withdrawals by cohort, graduates by year. */
function enrollmentRow(field: string, y: number, by: string, key: string | null, column: string): FigureDefinition | undefined {
  if (by === 'pathway' && column === 'graduates') return undefined; // the report gives no graduates by pathway
  const isGraduates = column === 'graduates';
  const term: Term = isGraduates
    ? { kind: 'student', metric: CounterMetric.Graduates, filter: { graduationYear: y }, window: 'ever' }
    : {
        kind: 'student',
        metric: column === 'withdrawals' ? CounterMetric.Withdrawals : CounterMetric.Intake,
        filter: { cohortYear: y },
        window: 'asOf',
      };
  const tests: DimsTest[] = [];
  if (column === 'intake') tests.push({ key: 'pathway', notIn: [THROUGH_23] });
  if (column === 'through23') tests.push({ key: 'pathway', in: [THROUGH_23] });
  if (key !== null) {
    const dim = by === 'program' ? 'programCode' : by;
    // Groups the report keys by a program's category or sectors ('unknown': no such program) or by a dims value.
    if (by === 'category' || by === 'sector') term.program = { by, key };
    else if (key === 'unknown') tests.push({ key: dim, isNull: true });
    else tests.push({ key: dim, in: [key] });
  }
  if (tests.length) term.tests = tests;
  return one(field, term);
}

/** The placement report's rows (PlacementReportService.placement): numerator per group, the cohort's graduates as denominator. */
function placementRow(field: string, y: number, by: string, key: string, column: string): FigureDefinition {
  const graduates: Term = { kind: 'student', metric: CounterMetric.Graduates, filter: { graduationYear: y }, window: 'ever' };
  if (by === 'program') {
    if (column === 'denominator') return one(field, Object.assign({}, graduates, { filter: { graduationYear: y, programCode: key } }));
    return one(field, {
      kind: 'graduate',
      metric: CounterMetric.GraduatesByProgram,
      filter: { cohort: y, programCode: key, placed: true },
      window: 'asOf',
    });
  }
  if (column === 'denominator') return one(field, graduates);
  const { metric, dim } = GROUP_METRIC[by as Exclude<(typeof PLACEMENT_GROUPINGS)[number], 'program'>];
  const grouped: Term = { kind: 'graduate', metric, filter: { cohort: y }, window: 'asOf' };
  // 'unrecorded': graduates with no destination in force (total − those counted in any group).
  if (key === 'unrecorded') return { field, terms: [graduates, Object.assign({}, grouped, { sign: -1 as const })], aggregate: SUM };
  return one(field, Object.assign(grouped, { tests: [key === 'none' ? { key: dim, isNull: true } : { key: dim, in: [key] }] }));
}

/** The partnerships report's rows (PartnershipReportService.report). */
function partnershipRow(field: string, y: number, by: string, key: string | null, column: string): FigureDefinition | undefined {
  const agreements = (metric: CounterMetric, filter: Term['filter'], window: Window): Term => ({
    kind: 'agreement',
    metric,
    filter,
    window,
  });
  const dated = column === 'signed' ? CounterMetric.PartnershipsAgreementSigned : CounterMetric.PartnershipsAgreementRenewed;
  if (by === 'total') {
    if (column === 'enterprises')
      return one(field, { kind: 'partner', metric: CounterMetric.PartnershipsEnterprises, filter: {}, window: 'asOf' });
    if (column === 'signed' || column === 'renewed') return one(field, agreements(dated, { by: 'all', year: y }, 'inYear'));
    return one(field, agreements(CounterMetric.PartnershipsAgreementStatus, { by: 'all', status: column }, 'asOf'));
  }
  if (by === 'year') {
    if (!/^\d{4}$/.test(key!)) return undefined;
    const year = Number(key);
    if (column === 'enterprises')
      return one(field, {
        kind: 'partner',
        metric: CounterMetric.PartnershipsEnterpriseGroups,
        filter: { by: 'year', key: key! },
        window: 'asOf',
      });
    if (column === 'signed' || column === 'renewed') return one(field, agreements(dated, { by: 'all', year }, 'asOf'));
    return one(field, agreements(CounterMetric.PartnershipsAgreementStatus, { by: 'all', status: column }, { capAt: `${year}-12-31` }));
  }
  if (column === 'enterprises')
    return one(field, { kind: 'partner', metric: CounterMetric.PartnershipsEnterpriseGroups, filter: { by, key: key! }, window: 'asOf' });
  if (column === 'signed' || column === 'renewed') return one(field, agreements(dated, { by, key: key!, year: y }, 'inYear'));
  return one(field, agreements(CounterMetric.PartnershipsAgreementStatus, { by, key: key!, status: column }, 'asOf'));
}

/** The alliances report's per-alliance rows (AllianceReportService.byAlliance): members as of asOf, the rest in the year. */
function allianceRow(field: string, y: number, allianceId: string, column: string): FigureDefinition {
  const inYear = (kind: string, metric: CounterMetric): Term => ({ kind, metric, filter: { allianceId, year: y }, window: 'asOf' });
  switch (column) {
    case 'members':
      return one(field, { kind: 'alliance_member', metric: CounterMetric.AllianceMembers, filter: { allianceId }, window: 'asOf' });
    case 'joins':
      return one(field, inYear('alliance_member', CounterMetric.AllianceJoins));
    case 'departures':
      return one(field, inYear('alliance_member', CounterMetric.AllianceDepartures));
    case 'contributions':
      return one(field, inYear('alliance_contribution', CounterMetric.AllianceContributions));
    case 'contributionAmount':
      return one(field, inYear('alliance_contribution', CounterMetric.AllianceContributionCents), SUM, true);
    default:
      return one(field, inYear('alliance_activity', CounterMetric.AllianceActivities));
  }
}

/** The accepted fields nearest `field` (edit distance), at most five. */
export function closeMatches(field: string): string[] {
  const candidates = [...OVERVIEW_FIELDS, ...FIELD_PATTERNS.filter((p) => !OVERVIEW_FIELDS.includes(p))];
  const scored = candidates.map((c) => ({ c, d: distance(field.toLowerCase(), c.toLowerCase()) }));
  const prefix = field.split('.')[0]!;
  return scored
    .sort((a, b) => Number(b.c.startsWith(`${prefix}.`)) - Number(a.c.startsWith(`${prefix}.`)) || a.d - b.d)
    .slice(0, 5)
    .map((s) => s.c);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
