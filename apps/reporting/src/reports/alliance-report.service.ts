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
import { CounterRepository, CounterRow, total } from './counter.repository';
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
   * sum of counters.
   */
  private async organisationsOn(source: ReportSource, allianceIds: string[], asOf: string): Promise<number> {
    const [row] = await source.query<Array<{ n: number }>>(
      `SELECT count(DISTINCT state->>'memberId')::int AS n FROM read_model
       WHERE institution = $1 AND kind = 'alliance_member' AND state <> 'null'::jsonb AND state->>'allianceId' = ANY($2::text[])
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(state->'periods') p
                     WHERE p->>'joinedOn' <= $3 AND (p->>'departedOn' IS NULL OR $3 < p->>'departedOn'))`,
      [source.institution, allianceIds, asOf],
    );
    return row?.n ?? 0;
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
    const snapshot = new Map(snapshots.map((s) => [s.id, s.state]));
    const ids = [...new Set(founded.map((r) => r.dims.allianceId))].filter((id) => snapshot.has(id)).sort();
    const of = <R extends { dims: ByAlliance }>(rows: R[], id: string) => rows.filter((r) => r.dims.allianceId === id);
    const rows = ids.map((id): AllianceReportRow => {
      const a = snapshot.get(id)!;
      const versions = of(charters, id).map((r) => r.dims.version);
      return {
        allianceId: id,
        name: a.name,
        scope: a.scope,
        sector: a.sector,
        foundedOn: a.foundedOn,
        role: a.role,
        led: isLed(a.role),
        charterVersion: versions.length ? Math.max(...versions) : null,
        members: membersView(of(members, id)),
        joins: total(of(joins, id)),
        departures: total(of(departures, id)),
        contributions: contributionsView(of(contributions, id), of(cents, id)),
        activities: activitiesView(of(activities, id), {
          participants: of(participation.participants, id),
          perKind: of(participation.perKind, id),
          perAlliance: of(participation.perAlliance as Spread<ByAlliance>[], id),
        }),
      };
    });
    const inReport = new Set(ids);
    const kept = <R extends { dims: ByAlliance }>(r: R[]) => r.filter((c) => inReport.has(c.dims.allianceId));
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
        organisations: await this.organisationsOn(source, ids, asOf),
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
  cents: Array<{ dims: KindDims; value: bigint }>,
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
        maxParticipants: ofKind.reduce((max, r) => Math.max(max, r.max), 0),
        distinctParticipants: sum(p.perKind.filter((r) => r.dims.kind === kind)),
      };
    }),
  };
}
