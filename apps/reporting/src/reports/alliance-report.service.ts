import { Injectable } from '@nestjs/common';
import {
  ACTIVITY_KINDS,
  ALLIANCE_MEMBER_KINDS,
  ALLIANCE_ROLES,
  AllianceRole,
  AllianceSnapshot,
  CONTRIBUTION_KINDS,
  LEADING_ALLIANCE_ROLES,
} from '@chanjiao/contracts';
import { CounterRepository, CounterRow, RecordRef, recordKey, total } from './counter.repository';
import type { ReportSource } from './report-reader';
import type {
  AllianceActivitiesView,
  AllianceContributionsView,
  AllianceMembersView,
  AllianceReportRow,
  AlliancesFigures,
  AllianceTotalsView,
} from './alliance-report.dto';
import { CounterMetric } from '../projection/counter-metric';

interface AllianceDims {
  allianceId: string;
  role: AllianceRole;
}
interface MemberDims {
  allianceId: string;
  memberKind: string;
  role: string;
}
interface ByAlliance {
  allianceId: string;
}
interface KindDims extends ByAlliance {
  kind: string;
}
interface ActivityDims extends KindDims {
  online: boolean;
}
interface CharterDims extends ByAlliance {
  version: number;
}

const isLed = (role: string) => (LEADING_ALLIANCE_ROLES as readonly string[]).includes(role);

/** 123450n → "1234.50". */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Alliance figures of the overview and the per-alliance report, from the counters. */
@Injectable()
export class AllianceReportService {
  constructor(private readonly counters: CounterRepository) {}

  /** DESIGN.md §5 `alliances`. */
  async overview(source: ReportSource, year: number, asOf: string): Promise<AlliancesFigures> {
    // Summed in PostgreSQL: these dims name single alliances and activities.
    const [alliances, members, forums] = await Promise.all([
      this.counters.totals(source, CounterMetric.Alliances, asOf, {}, ['role']),
      this.counters.grandTotal(source, CounterMetric.AllianceMembers, asOf),
      // "dated in Y": from 1 January to asOf (DESIGN.md §5); the year dimension ends it on 31 December.
      this.counters.spread(source, CounterMetric.AllianceActivityParticipants, asOf, { year, kind: 'forum' }, 'kind'),
    ]);
    return {
      total: total(alliances),
      led: total(alliances, (d: { role: string }) => isLed(d.role)),
      members,
      forumParticipants: Math.max(0, forums.max),
    };
  }

  /**
   * Distinct member organisations (by member id) current on `asOf` in any of the alliances, which `members` counts once
   * per alliance (DESIGN.md §5). Counted in PostgreSQL from the memberships' read models: a count of distinct ids is no
   * sum of counters. Per institution (member ids are theirs), summed.
   */
  private async organisationsOn(source: ReportSource, alliances: readonly RecordRef[], asOf: string): Promise<number> {
    if (alliances.length === 0) return 0;
    const rows = await source.query<Array<{ n: number }>>(
      // The institutions' memberships read once (as for one institution), kept if of one of the alliances.
      `SELECT count(DISTINCT state->>'memberId')::int AS n FROM read_model
       WHERE institution = ANY($1::text[]) AND kind = 'alliance_member' AND state <> 'null'::jsonb
         AND (institution, state->>'allianceId') IN (SELECT * FROM unnest($1::text[], $2::text[]))
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(state->'periods') p
                     WHERE p->>'joinedOn' <= $3 AND (p->>'departedOn' IS NULL OR $3 < p->>'departedOn'))
       GROUP BY institution`,
      [alliances.map((a) => a.institution), alliances.map((a) => a.id), asOf],
    );
    return rows.reduce((s, r) => s + r.n, 0);
  }

  /** Per alliance founded on or before `asOf`: members as of then, joins, departures, contributions and activities of the year. */
  async byAlliance(
    source: ReportSource,
    year: number,
    asOf: string,
  ): Promise<{ alliances: AllianceReportRow[]; totals: AllianceTotalsView }> {
    const inYear = { year };
    // Alliances are few (MAX_ALLIANCES_PER_INSTITUTION); what grows with members, activities and participants is summed
    // and counted in PostgreSQL per alliance and kind.
    const [founded, snapshots, members, joins, departures, charters, contributions, cents, activities, participants, perKind, perAlliance] =
      await Promise.all([
        this.counters.sum<AllianceDims>(source, CounterMetric.Alliances, asOf),
        this.counters.readModels<AllianceSnapshot>(source, 'alliance'),
        this.counters.sum<MemberDims>(source, CounterMetric.AllianceMembers, asOf),
        this.counters.sum<ByAlliance>(source, CounterMetric.AllianceJoins, asOf, inYear),
        this.counters.sum<ByAlliance>(source, CounterMetric.AllianceDepartures, asOf, inYear),
        this.counters.sum<CharterDims>(source, CounterMetric.AllianceCharters, asOf),
        this.counters.sum<KindDims>(source, CounterMetric.AllianceContributions, asOf, inYear),
        this.counters.exactSum<KindDims>(source, CounterMetric.AllianceContributionCents, asOf, inYear),
        this.counters.sum<ActivityDims>(source, CounterMetric.AllianceActivities, asOf, inYear),
        this.counters.spreadBy(source, CounterMetric.AllianceActivityParticipants, asOf, inYear, 'activityId', ['allianceId', 'kind']),
        this.counters.spreadBy(source, CounterMetric.AllianceActivityParticipant, asOf, inYear, 'participant', ['allianceId', 'kind']),
        this.counters.spreadBy(source, CounterMetric.AllianceActivityParticipant, asOf, inYear, 'participant', ['allianceId']),
      ]);
    const participation = { participants: participants as Spread<KindDims>[], perKind: perKind as Spread<KindDims>[], perAlliance };
    // An alliance is one institution's (two colleges' ids may be the same): rows are keyed by institution and id, and
    // name the institution when the report is of several.
    const several = source.institutions.length > 1;
    const snapshot = new Map(snapshots.map((s) => [recordKey(s.institution, s.id), s.state]));
    const refs = [
      ...new Map(
        founded.map((r) => [recordKey(r.institution, r.dims.allianceId), { institution: r.institution, id: r.dims.allianceId }]),
      ).entries(),
    ]
      .filter(([k]) => snapshot.has(k))
      .sort(([, a], [, b]) => a.id.localeCompare(b.id) || a.institution.localeCompare(b.institution))
      .map(([, r]) => r);
    const of = <R extends { institution: string; dims: ByAlliance }>(rows: R[], ref: RecordRef) =>
      rows.filter((r) => r.dims.allianceId === ref.id && r.institution === ref.institution);
    const rows = refs.map((ref): AllianceReportRow => {
      const a = snapshot.get(recordKey(ref.institution, ref.id))!;
      const versions = of(charters, ref).map((r) => r.dims.version);
      return Object.assign({ allianceId: ref.id }, several ? { institution: ref.institution } : {}, {
        name: a.name,
        scope: a.scope,
        sector: a.sector,
        foundedOn: a.foundedOn,
        role: a.role,
        led: isLed(a.role),
        charterVersion: versions.length ? Math.max(...versions) : null,
        members: membersView(of(members, ref)),
        joins: total(of(joins, ref)),
        departures: total(of(departures, ref)),
        contributions: contributionsView(of(contributions, ref), of(cents, ref)),
        activities: activitiesView(of(activities, ref), {
          participants: of(participation.participants, ref),
          perKind: of(participation.perKind, ref),
          perAlliance: of(participation.perAlliance as Spread<ByAlliance>[], ref),
        }),
      });
    });
    const inReport = new Set(refs.map((r) => recordKey(r.institution, r.id)));
    const kept = <R extends { institution: string; dims: ByAlliance }>(r: R[]) =>
      r.filter((c) => inReport.has(recordKey(c.institution, c.dims.allianceId)));
    const allActivities = activitiesView(kept(activities), {
      participants: kept(participation.participants),
      perKind: kept(participation.perKind),
      perAlliance: kept(participation.perAlliance as Spread<ByAlliance>[]),
    });
    return {
      alliances: rows,
      totals: {
        alliances: rows.length,
        led: rows.filter((r) => r.led).length,
        members: membersView(kept(members)),
        organisations: await this.organisationsOn(source, refs, asOf),
        joins: total(kept(joins)),
        departures: total(kept(departures)),
        contributions: contributionsView(kept(contributions), kept(cents)),
        activities: allActivities,
      },
    };
  }
}

function membersView(rows: Array<CounterRow<MemberDims>>): AllianceMembersView {
  const byKind = Object.fromEntries(ALLIANCE_MEMBER_KINDS.map((k) => [k, 0]));
  const byRole = Object.fromEntries(ALLIANCE_ROLES.map((k) => [k, 0]));
  for (const r of rows) {
    byKind[r.dims.memberKind] = (byKind[r.dims.memberKind] ?? 0) + r.value;
    byRole[r.dims.role] = (byRole[r.dims.role] ?? 0) + r.value;
  }
  return { total: total(rows), byKind, byRole };
}

function contributionsView(
  counts: Array<CounterRow<KindDims>>,
  cents: Array<{ institution: string; dims: KindDims; value: bigint }>,
): AllianceContributionsView {
  const sumCents = (kind?: string) => cents.filter((c) => !kind || c.dims.kind === kind).reduce((s, c) => s + c.value, 0n);
  return {
    count: total(counts),
    amount: formatCents(sumCents()),
    byKind: CONTRIBUTION_KINDS.map((kind) => ({
      kind,
      count: total(counts, (d: KindDims) => d.kind === kind),
      amount: formatCents(sumCents(kind)),
    })),
  };
}

/** Participation per alliance and kind, counted in PostgreSQL (CounterRepository.spreadBy). */
type Spread<D> = CounterRow<D> & { distinct: number; max: number };
interface Participation {
  /** Participant counts of activities: `value` their sum, `max` the largest activity's. */
  participants: Array<Spread<KindDims>>;
  /** Distinct participant cells per alliance and kind, and per alliance. */
  perKind: Array<Spread<KindDims>>;
  perAlliance: Array<Spread<ByAlliance>>;
}

function activitiesView(activities: Array<CounterRow<ActivityDims>>, p: Participation): AllianceActivitiesView {
  // A participant cell is per alliance: the same name in two alliances is two participants.
  const sum = (rows: Array<{ distinct: number }>) => rows.reduce((s, r) => s + r.distinct, 0);
  return {
    count: total(activities),
    distinctParticipants: sum(p.perAlliance),
    byKind: ACTIVITY_KINDS.map((kind) => {
      const ofKind = p.participants.filter((r) => r.dims.kind === kind);
      return {
        kind,
        count: total(activities, (d: ActivityDims) => d.kind === kind),
        online: total(activities, (d: ActivityDims) => d.kind === kind && d.online),
        participations: total(ofKind),
        maxParticipants: largestPerInstitution(ofKind),
        distinctParticipants: sum(p.perKind.filter((r) => r.dims.kind === kind)),
      };
    }),
  };
}

/** The largest activity's participants, per institution, summed (for one institution: its largest). */
function largestPerInstitution(rows: ReadonlyArray<{ institution: string; max: number }>): number {
  const largest = new Map<string, number>();
  for (const r of rows) largest.set(r.institution, Math.max(largest.get(r.institution) ?? 0, r.max));
  return [...largest.values()].reduce((s, n) => s + n, 0);
}
