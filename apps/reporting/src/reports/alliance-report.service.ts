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
import type { AllianceMemberState } from '../projection/alliance.projections';
import type { ReportSource } from './report-reader';
import type {
  AllianceActivitiesView,
  AllianceContributionsView,
  AllianceMembersView,
  AllianceReportRow,
  AlliancesFigures,
  AllianceTotalsView,
} from './alliance-report.dto';

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
interface ParticipantDims extends KindDims {
  participant: string;
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
      this.counters.totals(source, 'alliances', asOf, {}, ['role']),
      this.counters.grandTotal(source, 'alliance.members', asOf),
      // "dated in Y": from 1 January to asOf (DESIGN.md §5); the year dimension ends it on 31 December.
      this.counters.spread(source, 'alliance.activity_participants', asOf, { year, kind: 'forum' }, 'kind'),
    ]);
    return {
      total: total(alliances),
      led: total(alliances, (d: { role: string }) => isLed(d.role)),
      members,
      forumParticipants: Math.max(0, forums.max),
    };
  }

  /** Per alliance founded on or before `asOf`: members as of then, joins, departures, contributions and activities of the year. */
  async byAlliance(
    source: ReportSource,
    year: number,
    asOf: string,
  ): Promise<{ alliances: AllianceReportRow[]; totals: AllianceTotalsView }> {
    const inYear = { year };
    const [founded, snapshots, memberships, members, joins, departures, charters, contributions, cents, activities, participants, listed] =
      await Promise.all([
        this.counters.sum<AllianceDims>(source, 'alliances', asOf),
        this.counters.readModels<AllianceSnapshot>(source, 'alliance'),
        this.counters.readModels<AllianceMemberState>(source, 'alliance_member'),
        this.counters.sum<MemberDims>(source, 'alliance.members', asOf),
        this.counters.sum<ByAlliance>(source, 'alliance.joins', asOf, inYear),
        this.counters.sum<ByAlliance>(source, 'alliance.departures', asOf, inYear),
        this.counters.sum<CharterDims>(source, 'alliance.charters', asOf),
        this.counters.sum<KindDims>(source, 'alliance.contributions', asOf, inYear),
        this.counters.exactSum<KindDims>(source, 'alliance.contribution_cents', asOf, inYear),
        this.counters.sum<ActivityDims>(source, 'alliance.activities', asOf, inYear),
        this.counters.sum<KindDims>(source, 'alliance.activity_participants', asOf, inYear),
        this.counters.sum<ParticipantDims>(source, 'alliance.activity_participant', asOf, inYear),
      ]);
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
        activities: activitiesView(of(activities, id), of(participants, id), of(listed, id)),
      };
    });
    const inReport = new Set(ids);
    const kept = <R extends { dims: ByAlliance }>(r: R[]) => r.filter((c) => inReport.has(c.dims.allianceId));
    const perAllianceParticipants = rows.reduce((s, r) => s + r.activities.distinctParticipants, 0);
    const allActivities = activitiesView(kept(activities), kept(participants), kept(listed));
    return {
      alliances: rows,
      totals: {
        alliances: rows.length,
        led: rows.filter((r) => r.led).length,
        members: membersView(kept(members)),
        organisations: organisationsOn(
          memberships.map((m) => m.state).filter((m) => inReport.has(m.allianceId)),
          asOf,
        ),
        joins: total(kept(joins)),
        departures: total(kept(departures)),
        contributions: contributionsView(kept(contributions), kept(cents)),
        activities: Object.assign({}, allActivities, { distinctParticipants: perAllianceParticipants }),
      },
    };
  }
}

/**
 * Distinct member organisations (by member id) current on `asOf` in any of the alliances, which `members` counts once
 * per alliance (DESIGN.md §5). Read from the memberships' read models: a count of distinct ids is no sum of counters.
 */
function organisationsOn(memberships: AllianceMemberState[], asOf: string): number {
  const current = memberships.filter((m) => m.periods.some((p) => p.joinedOn <= asOf && (p.departedOn === null || asOf < p.departedOn)));
  return new Set(current.map((m) => m.memberId)).size;
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

function activitiesView(
  activities: Array<CounterRow<ActivityDims>>,
  participants: Array<CounterRow<KindDims>>,
  listed: Array<CounterRow<ParticipantDims>>,
): AllianceActivitiesView {
  // A participant cell is per alliance: the same name in two alliances is two participants.
  const distinct = (kind?: string) =>
    new Set(listed.filter((r) => !kind || r.dims.kind === kind).map((r) => JSON.stringify([r.dims.allianceId, r.dims.participant]))).size;
  return {
    count: total(activities),
    distinctParticipants: distinct(),
    byKind: ACTIVITY_KINDS.map((kind) => {
      const ofKind = participants.filter((r) => r.dims.kind === kind);
      return {
        kind,
        count: total(activities, (d: ActivityDims) => d.kind === kind),
        online: total(activities, (d: ActivityDims) => d.kind === kind && d.online),
        participations: total(ofKind),
        maxParticipants: ofKind.reduce((max, r) => Math.max(max, r.value), 0),
        distinctParticipants: distinct(kind),
      };
    }),
  };
}
