/**
 * The recount: every report figure computed again from the write services' own records, following the words of
 * DESIGN.md §5 (and the reports' OpenAPI descriptions where §5 leaves a report's shape to it), never reporting's
 * projections or counters. Plain functions over the records of one institution, so tests can call them directly.
 *
 * The rules, as §5 words them:
 * - a count "in Y" runs from 1 January Y to D, or to 31 December Y when D is later ({@link yearWindow});
 * - the destination in force on D is the version with the highest version number among those whose effective
 *   date is on or before D; a graduate with none counts as not placed;
 * - `members` are memberships current on D across all alliances (an organisation in two counts in each).
 */
import {
  ACTIVITY_KINDS,
  ALLIANCE_MEMBER_KINDS,
  ALLIANCE_ROLES,
  CONTRIBUTION_KINDS,
  INVESTMENT_SOURCES,
  KEY_SECTORS,
  SECTOR_LABELS,
} from '@chanjiao/contracts';
import type { AgreementRecord, DestinationRecord, EnrollmentRecord, InstitutionRecords, InternshipRecord } from './records';

export interface RecountSettings {
  /** GB/T 2260 prefix of local regions (reporting's `LOCAL_REGION_PREFIX`). */
  localRegionPrefix: string;
}

export type EnrollmentGrouping = 'level' | 'program' | 'category' | 'sector' | 'pathway';
export type PlacementGrouping = 'category' | 'detail' | 'program' | 'sector' | 'region';
export type PartnershipGrouping = 'kind' | 'form' | 'sector' | 'year';
export const ENROLLMENT_GROUPINGS: readonly EnrollmentGrouping[] = ['level', 'program', 'category', 'sector', 'pathway'];
export const PLACEMENT_GROUPINGS: readonly PlacementGrouping[] = ['category', 'detail', 'program', 'sector', 'region'];
export const PARTNERSHIP_GROUPINGS: readonly PartnershipGrouping[] = ['kind', 'form', 'sector', 'year'];

const THROUGH_23 = 'through_2_3';
const EMPLOYED = new Set(['contract', 'flexible', 'entrepreneurship']);
const LEADING = new Set(['chair', 'secretary_general']);
const KEY = new Set<string>(KEY_SECTORS);

/** 1 January Y to D, or to 31 December Y when D is later (empty when D is before Y). */
export function yearWindow(year: number, asOf: string): { from: string; to: string } {
  const end = `${year}-12-31`;
  return { from: `${year}-01-01`, to: asOf < end ? asOf : end };
}
const within = (date: string | null, w: { from: string; to: string }) => date !== null && date >= w.from && date <= w.to;

export function rate(numerator: number, denominator: number): { numerator: number; denominator: number; rate: number } {
  return { numerator, denominator, rate: denominator === 0 ? 0 : Math.round((numerator / denominator) * 10000) / 10000 };
}

/** "1234.5" → 123450n, exactly. */
export function cents(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const c = BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -c : c;
}
/** 123450n → "1234.50". */
export function money(c: bigint): string {
  const sign = c < 0n ? '-' : '';
  const abs = c < 0n ? -c : c;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

const count = <T>(items: readonly T[], where: (t: T) => boolean) => items.reduce((n, t) => n + (where(t) ? 1 : 0), 0);
const distinct = <T>(items: readonly T[]) => new Set(items).size;
const increment = (m: Map<string, number>, key: string, by = 1) => m.set(key, (m.get(key) ?? 0) + by);
const maxOf = (values: readonly number[]) => values.reduce((m, v) => Math.max(m, v), 0);

/** Indexes built once per institution, shared by every recount of it. */
export class Recount {
  private readonly versionsByStudent = new Map<string, DestinationRecord[]>();
  private readonly enrollmentByStudent = new Map<string, EnrollmentRecord>();
  private readonly program = new Map<string, InstitutionRecords['programs'][number]>();
  private readonly partner = new Map<string, InstitutionRecords['partners'][number]>();

  constructor(
    readonly records: InstitutionRecords,
    private readonly settings: RecountSettings,
  ) {
    for (const v of records.destinations) {
      const list = this.versionsByStudent.get(v.studentId) ?? [];
      list.push(v);
      this.versionsByStudent.set(v.studentId, list);
    }
    for (const e of records.enrollments) this.enrollmentByStudent.set(e.studentId, e);
    for (const p of records.programs) this.program.set(p.code, p);
    for (const p of records.partners) this.partner.set(p.partnerId, p);
  }

  private isLocal(region: string | null): boolean {
    return region !== null && region.startsWith(this.settings.localRegionPrefix);
  }

  /** The destination in force on D: the highest version among those effective on or before D. */
  destinationOn(studentId: string, asOf: string): DestinationRecord | undefined {
    let found: DestinationRecord | undefined;
    for (const v of this.versionsByStudent.get(studentId) ?? []) {
      if (v.effectiveDate <= asOf && (!found || v.version > found.version)) found = v;
    }
    return found;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Enrollment

  /** Enrollments of cohort Y with no cancellation dated on or before D. */
  private intakeOf(year: number, asOf: string): EnrollmentRecord[] {
    return this.records.enrollments.filter((e) => e.cohortYear === year && !(e.cancelledOn !== null && e.cancelledOn <= asOf));
  }
  private graduatesOf(year: number): EnrollmentRecord[] {
    return this.records.enrollments.filter((e) => e.graduationYear === year);
  }
  /** The program a student enrolled in (before any transfer). */
  private static enrolledProgram(e: EnrollmentRecord): string {
    return e.transfers[0]?.fromProgramCode ?? e.programCode;
  }

  programs() {
    const open = this.records.programs.filter((p) => p.status === 'open');
    return {
      open: open.length,
      higherVocational: count(open, (p) => p.level === 'higher_vocational'),
      undergraduate: count(open, (p) => p.level === 'undergraduate'),
      categories: distinct(open.map((p) => p.category)),
      clusters: distinct(open.map((p) => p.cluster).filter((c) => c !== null)),
      alignedShare: rate(
        count(open, (p) => p.sectors.some((s) => KEY.has(s))),
        open.length,
      ).rate,
    };
  }

  intake(year: number, asOf: string) {
    const all = this.intakeOf(year, asOf);
    const counted = all.filter((e) => e.pathway !== THROUGH_23);
    return {
      total: counted.length,
      undergraduate: count(counted, (e) => e.level === 'undergraduate'),
      higherVocational: count(counted, (e) => e.level === 'higher_vocational'),
      secondary: count(counted, (e) => e.level === 'secondary'),
      through23: all.length - counted.length,
    };
  }

  /** GET /reports/enrollment: intake, 2+3 intake, withdrawals (on or before D) of cohort Y and graduates of Y, grouped. */
  enrollment(year: number, asOf: string, by: EnrollmentGrouping) {
    const keysOf = (e: EnrollmentRecord, programCode: string): string[] => {
      const p = this.program.get(programCode);
      switch (by) {
        case 'level':
          return [e.level];
        case 'pathway':
          return [e.pathway];
        case 'program':
          return [programCode];
        case 'category':
          return [p?.category ?? 'unknown'];
        case 'sector':
          // A program in several sectors counts in each (the report's description).
          return p?.sectors.length ? p.sectors : ['unknown'];
        default: {
          const never: never = by;
          throw new Error(`unknown grouping ${String(never)}`);
        }
      }
    };
    const rows = new Map<
      string,
      { key: string; label?: string; intake: number; through23: number; withdrawals: number; graduates: number | null }
    >();
    const row = (key: string) => {
      let r = rows.get(key);
      if (!r) {
        const label = by === 'program' ? this.program.get(key)?.name : undefined;
        r = Object.assign({ key }, label ? { label } : {}, {
          intake: 0,
          through23: 0,
          withdrawals: 0,
          graduates: by === 'pathway' ? null : 0,
        });
        rows.set(key, r);
      }
      return r;
    };
    const intake = this.intakeOf(year, asOf);
    const withdrawals = this.records.enrollments.filter((e) => e.cohortYear === year && e.withdrawnOn !== null && e.withdrawnOn <= asOf);
    const graduates = this.graduatesOf(year);
    for (const e of intake) {
      for (const k of keysOf(e, Recount.enrolledProgram(e))) {
        if (e.pathway === THROUGH_23) row(k).through23++;
        else row(k).intake++;
      }
    }
    for (const e of withdrawals) for (const k of keysOf(e, Recount.enrolledProgram(e))) row(k).withdrawals++;
    // A graduate counts with the program graduated from.
    if (by !== 'pathway') for (const e of graduates) for (const k of keysOf(e, e.programCode)) row(k).graduates!++;
    return {
      rows: [...rows.values()],
      totals: {
        key: 'total',
        intake: count(intake, (e) => e.pathway !== THROUGH_23),
        through23: count(intake, (e) => e.pathway === THROUGH_23),
        withdrawals: withdrawals.length,
        graduates: by === 'pathway' ? null : graduates.length,
      },
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Placement

  /** Graduates of Y with the destination in force on D (undefined: none yet). */
  private placementOf(year: number, asOf: string) {
    return this.graduatesOf(year).map((g) => ({ g, d: this.destinationOn(g.studentId, asOf) }));
  }

  graduates(year: number, asOf: string) {
    const all = this.placementOf(year, asOf);
    const placed = all.filter(({ d }) => d !== undefined && d.category !== 'not_placed');
    return {
      cohort: year,
      total: all.length,
      placed: placed.length,
      notPlaced: all.length - placed.length,
      placement: rate(placed.length, all.length),
      localEmployed: count(placed, ({ d }) => EMPLOYED.has(d!.category) && this.isLocal(d!.region)),
    };
  }

  /** GET /reports/placement. */
  placement(year: number, asOf: string, by: PlacementGrouping) {
    const all = this.placementOf(year, asOf);
    const totals = this.graduates(year, asOf);
    const report = (rows: object[]) => ({ rows, totals: totals.placement, localEmployed: totals.localEmployed });
    if (by === 'program') {
      const groups = new Map<string, { placed: number; graduates: number }>();
      for (const { g, d } of all) {
        const group = groups.get(g.programCode) ?? { placed: 0, graduates: 0 };
        group.graduates++;
        if (d && d.category !== 'not_placed') group.placed++;
        groups.set(g.programCode, group);
      }
      return report(
        [...groups].map(([key, n]) => {
          const label = this.program.get(key)?.name;
          return Object.assign({ key }, label ? { label } : {}, rate(n.placed, n.graduates));
        }),
      );
    }
    const groups = new Map<string, number>();
    const local = new Map<string, boolean>();
    let unrecorded = 0;
    for (const { d } of all) {
      if (!d) {
        unrecorded++;
        continue;
      }
      const value = by === 'category' ? d.category : by === 'detail' ? d.detail : by === 'sector' ? d.sector : d.region;
      const key = value ?? 'none';
      increment(groups, key);
      if (by === 'region') local.set(key, this.isLocal(d.region));
    }
    const rows: object[] = [...groups].map(([key, n]) =>
      Object.assign({ key }, by === 'region' ? { local: local.get(key) } : {}, rate(n, all.length)),
    );
    if (unrecorded > 0) rows.push(Object.assign({ key: 'unrecorded' }, rate(unrecorded, all.length)));
    return report(rows);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Internships

  private internshipsIn(year: number, asOf: string): InternshipRecord[] {
    const w = yearWindow(year, asOf);
    return this.records.internships.filter((i) => within(i.startDate, w));
  }

  internships(year: number, asOf: string) {
    const list = this.internshipsIn(year, asOf);
    return {
      students: distinct(list.map((i) => i.studentId)),
      localStudents: distinct(list.filter((i) => this.isLocal(i.region)).map((i) => i.studentId)),
    };
  }

  /** GET /reports/internships. `completed` = an end date is recorded (the report's description). */
  internshipReport(year: number, asOf: string) {
    const list = this.internshipsIn(year, asOf);
    const figures = this.internships(year, asOf);
    const kinds = [...new Set(list.map((i) => i.kind))];
    return Object.assign({}, figures, {
      localShare: rate(figures.localStudents, figures.students),
      internships: list.length,
      completed: count(list, (i) => i.endDate !== null),
      byKind: kinds.map((kind) => {
        const ofKind = list.filter((i) => i.kind === kind);
        return {
          kind,
          internships: ofKind.length,
          local: count(ofKind, (i) => this.isLocal(i.region)),
          completed: count(ofKind, (i) => i.endDate !== null),
          students: distinct(ofKind.map((i) => i.studentId)),
        };
      }),
    });
  }

  /** GET /reports/data-quality (counts; the items listed are examples). */
  dataQuality(year: number | null) {
    const graduated = (studentId: string) => (this.enrollmentByStudent.get(studentId)?.graduationYear ?? null) !== null;
    let destinationsWithoutGraduation = 0;
    for (const [studentId, versions] of this.versionsByStudent) {
      const last = versions.reduce((a, b) => (b.version > a.version ? b : a));
      if (!graduated(studentId) && (year === null || last.graduationYear === year)) destinationsWithoutGraduation++;
    }
    const graduationsWithoutDestination = count(
      this.records.enrollments,
      (e) => e.graduationYear !== null && (year === null || e.graduationYear === year) && !this.versionsByStudent.has(e.studentId),
    );
    const unknown = this.records.internships.filter((i) => !this.enrollmentByStudent.has(i.studentId));
    return {
      destinationsWithoutGraduation: { count: destinationsWithoutGraduation },
      graduationsWithoutDestination: { count: graduationsWithoutDestination },
      internshipsOfUnknownStudents: { count: distinct(unknown.map((i) => i.studentId)), internships: unknown.length },
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Partnerships

  private isEnterprise(partnerId: string): boolean {
    return this.partner.get(partnerId)?.kind === 'enterprise';
  }

  /** Distinct enterprise partners named on a school_enterprise agreement signed on or before D. */
  private enterprises(asOf: string): number {
    const ids = this.records.agreements
      .filter((a) => a.kind === 'school_enterprise' && a.signedOn <= asOf)
      .flatMap((a) => a.partnerIds.filter((p) => this.isEnterprise(p)));
    return distinct(ids);
  }

  private pilotsOn(asOf: string) {
    return this.records.pilots.filter((p) => p.launchedOn <= asOf);
  }

  private orderClasses(year: number) {
    const classes = this.records.orderClasses.filter((o) => o.cohortYear === year);
    return { programs: distinct(classes.map((o) => o.programCode)), students: classes.reduce((s, o) => s + o.students, 0) };
  }

  partnershipsOverview(year: number, asOf: string) {
    const w = yearWindow(year, asOf);
    const signed = (kind: string) => count(this.records.agreements, (a) => a.kind === kind && within(a.signedOn, w));
    const pilots = this.pilotsOn(asOf);
    return {
      enterprises: this.enterprises(asOf),
      schoolEnterpriseSigned: signed('school_enterprise'),
      governmentSchool: signed('government_school'),
      university: signed('university'),
      certificatePilots: pilots.length,
      certificatePilotEnterprises: distinct(pilots.map((p) => p.partnerId)),
      industryColleges: count(this.records.industryColleges, (c) => c.foundedOn <= asOf),
      orderClasses: this.orderClasses(year),
    };
  }

  private investmentIn(year: number, asOf: string, source?: string): string {
    const w = yearWindow(year, asOf);
    return money(
      this.records.investments
        .filter((i) => within(i.date, w) && (!source || i.source === source))
        .reduce((s, i) => s + cents(i.amount), 0n),
    );
  }

  trainingBases(year: number, asOf: string) {
    return { investment: this.investmentIn(year, asOf) };
  }

  /**
   * An agreement's status on D from its dates: not yet signed (undefined), terminated from its termination date,
   * else expired once past the expiry in force on D (the latest renewal dated on or before D, else the expiry it was
   * signed with), else active.
   */
  static statusOn(a: AgreementRecord, asOf: string): 'active' | 'expired' | 'terminated' | undefined {
    if (a.signedOn > asOf) return undefined;
    if (a.terminatedOn !== null && a.terminatedOn <= asOf) return 'terminated';
    const expiry = Recount.expiryOn(a, asOf);
    return expiry !== null && expiry < asOf ? 'expired' : 'active';
  }

  static expiryOn(a: AgreementRecord, asOf: string): string | null {
    const renewed = a.renewals.filter((r) => r.date <= asOf);
    if (renewed.length) return renewed[renewed.length - 1]!.expiresOn;
    return a.renewals[0] ? a.renewals[0].previousExpiresOn : a.expiresOn;
  }

  /** GET /reports/partnerships. */
  partnerships(year: number, asOf: string, by: PartnershipGrouping) {
    const agreements = this.records.agreements;
    const w = yearWindow(year, asOf);
    type Row = { key: string; signed: number; renewed: number; active: number; expired: number; terminated: number; enterprises: number };
    const figures = (key: string, list: AgreementRecord[], at: string, signedIn: (d: string) => boolean, enterprises: number): Row => {
      const status = list.map((a) => Recount.statusOn(a, at));
      return {
        key,
        signed: count(list, (a) => signedIn(a.signedOn)),
        renewed: list.reduce((n, a) => n + count(a.renewals, (r) => signedIn(r.date)), 0),
        active: count(status, (s) => s === 'active'),
        expired: count(status, (s) => s === 'expired'),
        terminated: count(status, (s) => s === 'terminated'),
        enterprises,
      };
    };
    const signedBy = agreements.filter((a) => a.signedOn <= asOf);
    let rows: Row[];
    if (by === 'year') {
      // Per year up to Y: agreements signed and renewals dated in that year (up to D), status at its end (or D),
      // enterprises whose first agreement of any kind was that year.
      const first = new Map<string, string>();
      for (const a of signedBy) {
        for (const p of a.partnerIds) if (this.isEnterprise(p) && (!first.has(p) || a.signedOn < first.get(p)!)) first.set(p, a.signedOn);
      }
      const years = [...new Set(signedBy.map((a) => Number(a.signedOn.slice(0, 4))))].filter((y) => y <= year);
      rows = years.map((y) => {
        const end = `${y}-12-31` < asOf ? `${y}-12-31` : asOf;
        const inY = (d: string) => d.startsWith(`${y}-`) && d <= asOf;
        return figures(
          String(y),
          agreements,
          end,
          inY,
          count([...first.values()], (d) => d.startsWith(`${y}-`)),
        );
      });
    } else {
      const keysOf = (a: AgreementRecord) => (by === 'kind' ? [a.kind] : by === 'form' ? a.forms : a.sectors);
      // Sector rows also for enterprises whose own sector no agreement of theirs was signed under.
      const sectorsOfEnterprises =
        by === 'sector'
          ? signedBy.flatMap((a) => a.partnerIds.filter((p) => this.isEnterprise(p)).map((p) => this.partner.get(p)!.sector))
          : [];
      const keys = [...new Set([...signedBy.flatMap(keysOf), ...sectorsOfEnterprises])];
      rows = keys.map((key) => {
        const list = agreements.filter((a) => keysOf(a).includes(key));
        // Enterprises of a group: of an agreement kind or form, those named on one signed by D; of a sector, the
        // enterprises of that sector with any agreement signed by D (the partner's own sector).
        const named = (by === 'sector' ? signedBy : list.filter((a) => a.signedOn <= asOf)).flatMap((a) => a.partnerIds);
        const enterprises = distinct(named.filter((p) => this.isEnterprise(p) && (by !== 'sector' || this.partner.get(p)!.sector === key)));
        return figures(key, list, asOf, (d) => within(d, w), enterprises);
      });
    }
    const pilots = this.pilotsOn(asOf);
    const results = this.records.pilots.flatMap((p) => p.results.filter((r) => r.year === year));
    const measure = (m: 'trained' | 'sat' | 'passed') => results.reduce((s, r) => s + r[m], 0);
    return {
      rows,
      totals: figures('total', agreements, asOf, (d) => within(d, w), this.enterprises(asOf)),
      orderClasses: this.orderClasses(year),
      certificatePilots: {
        pilots: pilots.length,
        partners: distinct(pilots.map((p) => p.partnerId)),
        results: {
          trained: measure('trained'),
          sat: measure('sat'),
          passed: measure('passed'),
          passRate: rate(measure('passed'), measure('sat')),
        },
      },
      industryColleges: count(this.records.industryColleges, (c) => c.foundedOn <= asOf),
      investment: {
        total: this.investmentIn(year, asOf),
        bySource: INVESTMENT_SOURCES.map((source) => ({ source, amount: this.investmentIn(year, asOf, source) })),
      },
    };
  }

  /** GET /reports/partnerships/expiring: agreements active on D whose expiry in force on D is within `days` of it. */
  expiring(asOf: string, days: number) {
    const from = Date.parse(`${asOf}T00:00:00Z`);
    const agreements = [];
    for (const a of this.records.agreements) {
      const expiresOn = Recount.expiryOn(a, asOf);
      if (expiresOn === null || Recount.statusOn(a, asOf) !== 'active') continue;
      const daysLeft = Math.round((Date.parse(`${expiresOn}T00:00:00Z`) - from) / 86_400_000);
      if (daysLeft < 0 || daysLeft > days) continue;
      agreements.push({
        agreementId: a.agreementId,
        kind: a.kind,
        forms: a.forms,
        partnerIds: a.partnerIds,
        partnerNames: a.partnerIds.map((p) => this.partner.get(p)?.name ?? null),
        signedOn: a.signedOn,
        expiresOn,
        daysLeft,
      });
    }
    return { agreements };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Alliances

  /** Memberships current on D: joined on or before D and not departed by then; with the role held on D. */
  private membershipsOn(asOf: string) {
    const current: Array<{ allianceId: string; memberId: string; memberKind: string; role: string }> = [];
    for (const m of this.records.members) {
      for (const p of m.periods) {
        if (p.joinedOn > asOf || (p.departedOn !== null && p.departedOn <= asOf)) continue;
        const change = p.roleChanges.filter((c) => c.date <= asOf).at(-1);
        current.push({ allianceId: m.allianceId, memberId: m.memberId, memberKind: p.memberKind, role: change?.role ?? p.role });
      }
    }
    return current;
  }

  /** Largest participant count of one activity: the count given, else the participants listed. */
  private static participants(a: { participants: string[]; participantCount: number | null }): number {
    return a.participantCount ?? a.participants.length;
  }

  alliancesOverview(year: number, asOf: string) {
    const founded = this.records.alliances.filter((a) => a.foundedOn <= asOf);
    const w = yearWindow(year, asOf);
    return {
      total: founded.length,
      led: count(founded, (a) => LEADING.has(a.role)),
      members: this.membershipsOn(asOf).length,
      forumParticipants: maxOf(this.records.activities.filter((a) => a.kind === 'forum' && within(a.date, w)).map(Recount.participants)),
    };
  }

  /** GET /reports/alliances. */
  alliances(year: number, asOf: string) {
    const w = yearWindow(year, asOf);
    const founded = this.records.alliances.filter((a) => a.foundedOn <= asOf).sort((a, b) => (a.allianceId < b.allianceId ? -1 : 1));
    const ids = new Set(founded.map((a) => a.allianceId));
    const memberships = this.membershipsOn(asOf).filter((m) => ids.has(m.allianceId));
    const periods = this.records.members.filter((m) => ids.has(m.allianceId)).flatMap((m) => m.periods.map((p) => ({ m, p })));
    const contributions = this.records.contributions.filter((c) => ids.has(c.allianceId) && within(c.date, w));
    const activities = this.records.activities.filter((a) => ids.has(a.allianceId) && within(a.date, w));
    const membersView = (list: typeof memberships) => {
      const byKind = Object.fromEntries(ALLIANCE_MEMBER_KINDS.map((k) => [k, 0])) as Record<string, number>;
      const byRole = Object.fromEntries(ALLIANCE_ROLES.map((k) => [k, 0])) as Record<string, number>;
      for (const m of list) {
        byKind[m.memberKind] = (byKind[m.memberKind] ?? 0) + 1;
        byRole[m.role] = (byRole[m.role] ?? 0) + 1;
      }
      return { total: list.length, byKind, byRole };
    };
    const contributionsView = (list: typeof contributions) => {
      const sum = (l: typeof contributions) => money(l.reduce((s, c) => s + (c.amount === null ? 0n : cents(c.amount)), 0n));
      return {
        count: list.length,
        amount: sum(list),
        byKind: CONTRIBUTION_KINDS.map((kind) => {
          const ofKind = list.filter((c) => c.kind === kind);
          return { kind, count: ofKind.length, amount: sum(ofKind) };
        }),
      };
    };
    // A participant listed is per alliance: the same name in two alliances is two participants.
    const listed = (list: typeof activities) => distinct(list.flatMap((a) => a.participants.map((p) => JSON.stringify([a.allianceId, p]))));
    const activitiesView = (list: typeof activities) => ({
      count: list.length,
      distinctParticipants: listed(list),
      byKind: ACTIVITY_KINDS.map((kind) => {
        const ofKind = list.filter((a) => a.kind === kind);
        return {
          kind,
          count: ofKind.length,
          online: count(ofKind, (a) => a.online),
          participations: ofKind.reduce((s, a) => s + Recount.participants(a), 0),
          maxParticipants: maxOf(ofKind.map(Recount.participants)),
          distinctParticipants: listed(ofKind),
        };
      }),
    });
    const rows = founded.map((a) => {
      const charters = this.records.charters.filter((c) => c.allianceId === a.allianceId && c.adoptedOn <= asOf).map((c) => c.version);
      const own = periods.filter(({ m }) => m.allianceId === a.allianceId);
      return {
        allianceId: a.allianceId,
        name: a.name,
        scope: a.scope,
        sector: a.sector,
        foundedOn: a.foundedOn,
        role: a.role,
        led: LEADING.has(a.role),
        charterVersion: charters.length ? Math.max(...charters) : null,
        members: membersView(memberships.filter((m) => m.allianceId === a.allianceId)),
        joins: count(own, ({ p }) => within(p.joinedOn, w)),
        departures: count(own, ({ p }) => within(p.departedOn, w)),
        contributions: contributionsView(contributions.filter((c) => c.allianceId === a.allianceId)),
        activities: activitiesView(activities.filter((x) => x.allianceId === a.allianceId)),
      };
    });
    return {
      alliances: rows,
      totals: {
        alliances: rows.length,
        led: count(rows, (r) => r.led),
        members: membersView(memberships),
        organisations: distinct(memberships.map((m) => m.memberId)),
        joins: count(periods, ({ p }) => within(p.joinedOn, w)),
        departures: count(periods, ({ p }) => within(p.departedOn, w)),
        contributions: contributionsView(contributions),
        activities: Object.assign(activitiesView(activities), {
          distinctParticipants: rows.reduce((s, r) => s + r.activities.distinctParticipants, 0),
        }),
      },
    };
  }

  /**
   * GET /reports/alignment (programLimit 50): per key sector, then `multiple` and `other`. A program's figures count in
   * the row of its one key sector, in `multiple` when it has several, in `other` when none (the report's description);
   * partner enterprises by their own sector, alliances by the sector they name.
   */
  alignment(year: number, asOf: string, programLimit = 50) {
    const rowKeys = [...KEY_SECTORS, 'multiple', 'other'];
    const rowOfProgram = (code: string) => {
      const keys = (this.program.get(code)?.sectors ?? []).filter((s) => KEY.has(s));
      return keys.length === 1 ? keys[0]! : keys.length > 1 ? 'multiple' : 'other';
    };
    const rowOfSector = (sector: string | null) => (sector !== null && KEY.has(sector) ? sector : 'other');
    const open = this.records.programs.filter((p) => p.status === 'open');
    const intake = this.intakeOf(year, asOf).filter((e) => e.pathway !== THROUGH_23);
    const graduates = this.placementOf(year, asOf);
    const employed = graduates.filter(({ d }) => d !== undefined && EMPLOYED.has(d.category));
    const enterprises = [
      ...new Set(
        this.records.agreements
          .filter((a) => a.kind === 'school_enterprise' && a.signedOn <= asOf)
          .flatMap((a) => a.partnerIds.filter((p) => this.isEnterprise(p))),
      ),
    ];
    const orderClasses = this.records.orderClasses.filter((o) => o.cohortYear === year);
    const alliances = this.records.alliances.filter((a) => a.foundedOn <= asOf);
    const rows = rowKeys.map((key) => {
      const programs = open.filter((p) => rowOfProgram(p.code) === key).sort((a, b) => a.code.localeCompare(b.code));
      const own = employed.filter(({ g, d }) => rowOfProgram(g.programCode) === key && d!.sector !== null);
      const label =
        key === 'multiple' ? { zh: '跨多个重点产业', en: 'Several key sectors' } : SECTOR_LABELS[key as keyof typeof SECTOR_LABELS];
      return {
        key,
        label: label.zh,
        labelEn: label.en,
        programs: programs.length,
        intake: count(intake, (e) => rowOfProgram(Recount.enrolledProgram(e)) === key),
        graduates: count(graduates, ({ g }) => rowOfProgram(g.programCode) === key),
        placed: count(graduates, ({ g, d }) => rowOfProgram(g.programCode) === key && d !== undefined && d.category !== 'not_placed'),
        employed: count(employed, ({ g }) => rowOfProgram(g.programCode) === key),
        localEmployed: count(employed, ({ g, d }) => rowOfProgram(g.programCode) === key && this.isLocal(d!.region)),
        employedInOwnSector: rate(
          count(own, ({ g, d }) => this.program.get(g.programCode)?.sectors.includes(d!.sector!) === true),
          own.length,
        ),
        partnerEnterprises: count(enterprises, (p) => rowOfSector(this.partner.get(p)!.sector) === key),
        orderClassStudents: orderClasses.filter((o) => rowOfProgram(o.programCode) === key).reduce((n, o) => n + o.students, 0),
        alliances: count(alliances, (a) => rowOfSector(a.sector) === key),
        programList: programs.slice(0, programLimit).map((p) => ({ code: p.code, name: p.name, sectors: p.sectors })),
        programsNotListed: Math.max(0, programs.length - programLimit),
      };
    });
    const overview = this.overview(year, asOf);
    return {
      rows,
      totals: {
        key: 'total',
        label: '合计',
        labelEn: 'Total',
        programs: overview.programs.open,
        intake: overview.intake.total,
        graduates: overview.graduates.total,
        placed: overview.graduates.placed,
        employed: employed.length,
        localEmployed: overview.graduates.localEmployed,
        employedInOwnSector: rate(
          rows.reduce((n, r) => n + r.employedInOwnSector.numerator, 0),
          rows.reduce((n, r) => n + r.employedInOwnSector.denominator, 0),
        ),
        partnerEnterprises: overview.partnerships.enterprises,
        orderClassStudents: overview.partnerships.orderClasses.students,
        alliances: overview.alliances.total,
      },
    };
  }

  /** GET /reports/overview. */
  overview(year: number, asOf: string) {
    return {
      programs: this.programs(),
      intake: this.intake(year, asOf),
      graduates: this.graduates(year, asOf),
      internships: this.internships(year, asOf),
      partnerships: this.partnershipsOverview(year, asOf),
      trainingBases: this.trainingBases(year, asOf),
      alliances: this.alliancesOverview(year, asOf),
    };
  }

  /** Years the records are dated in or belong to (cohorts, graduation and results years), sorted. */
  years(): number[] {
    const r = this.records;
    const dates = [
      ...r.internships.map((i) => i.startDate),
      ...r.destinations.map((d) => d.effectiveDate),
      ...r.agreements.flatMap((a) => [a.signedOn, ...a.renewals.map((x) => x.date), ...(a.terminatedOn ? [a.terminatedOn] : [])]),
      ...r.pilots.map((p) => p.launchedOn),
      ...r.industryColleges.map((c) => c.foundedOn),
      ...r.investments.map((i) => i.date),
      ...r.alliances.map((a) => a.foundedOn),
      ...r.members.flatMap((m) => m.periods.flatMap((p) => [p.joinedOn, ...(p.departedOn ? [p.departedOn] : [])])),
      ...r.charters.map((c) => c.adoptedOn),
      ...r.contributions.map((c) => c.date),
      ...r.activities.map((a) => a.date),
    ];
    const years = new Set<number>([
      ...dates.map((d) => Number(d.slice(0, 4))),
      ...r.enrollments.flatMap((e) => [e.cohortYear, ...(e.graduationYear !== null ? [e.graduationYear] : [])]),
      ...r.destinations.map((d) => d.graduationYear),
      ...r.orderClasses.map((o) => o.cohortYear),
      ...r.pilots.flatMap((p) => p.results.map((x) => x.year)),
    ]);
    return [...years].sort((a, b) => a - b);
  }
}
