import {
  AllianceActivityHeld,
  AllianceCharterAdopted,
  AllianceContributionRecorded,
  AllianceEvent,
  AllianceMemberEvent,
  AllianceMemberKind,
  AllianceRole,
  AllianceSnapshot,
  CloudEvent,
  DataOf,
  EventOf,
} from '@chanjiao/contracts';
import type { Fact, Projection } from './projection';
import { CounterMetric } from './counter-metric';

const yearOf = (date: string) => Number(date.slice(0, 4));

/** Alliances: the latest snapshot; each counts from its founding day, with this institution's role. */
export const allianceProjection: Projection<AllianceSnapshot | null> = {
  kind: 'alliance',
  entityIds: (e) => [e.subject],
  initial: () => null,
  // Both alliance events carry the whole alliance.
  reduce: (_state, e) => (e as AllianceEvent).data,
  facts: (a) =>
    a
      ? [
          {
            metric: CounterMetric.Alliances,
            dims: { allianceId: a.allianceId, role: a.role, scope: a.scope, sector: a.sector },
            day: a.foundedOn,
            value: 1,
          },
        ]
      : [],
};

export interface MemberPeriodState {
  memberKind: AllianceMemberKind;
  role: AllianceRole;
  joinedOn: string;
  roleChanges: Array<{ date: string; role: AllianceRole }>;
  departedOn: string | null;
}

export interface AllianceMemberState {
  allianceId: string;
  memberId: string;
  periods: MemberPeriodState[];
}

/**
 * Memberships (`<allianceId>/<memberId>`): every membership period counts from its join day, moves
 * between roles on the day of a role change and stops on the departure day, so "members as of D"
 * is a sum up to D. Joins and departures also count in the year they are dated.
 */
export const allianceMemberProjection: Projection<AllianceMemberState> = {
  kind: 'alliance_member',
  entityIds: (e) => [e.subject],
  initial: () => ({ allianceId: '', memberId: '', periods: [] }),
  reduce(s, event: CloudEvent) {
    const e = event as AllianceMemberEvent;
    const last = s.periods[s.periods.length - 1];
    const replaceLast = (p: MemberPeriodState) => Object.assign({}, s, { periods: [...s.periods.slice(0, -1), p] });
    switch (e.type) {
      case 'alliance.member.joined.v1':
        return {
          allianceId: e.data.allianceId,
          memberId: e.data.memberId,
          periods: [
            ...s.periods,
            { memberKind: e.data.memberKind, role: e.data.role, joinedOn: e.data.joinedOn, roleChanges: [], departedOn: null },
          ],
        };
      case 'alliance.member.role_changed.v1':
        if (!last) throw new Error(`role change of ${e.subject} before any join`);
        return replaceLast(Object.assign({}, last, { roleChanges: [...last.roleChanges, { date: e.data.date, role: e.data.role }] }));
      case 'alliance.member.departed.v1':
        if (!last) throw new Error(`departure of ${e.subject} before any join`);
        return replaceLast(Object.assign({}, last, { departedOn: e.data.date }));
      default: {
        const never: never = e;
        throw new Error(`alliance member projection cannot apply ${(never as CloudEvent).type}`);
      }
    }
  },
  facts(s) {
    const facts: Fact[] = [];
    const allianceId = s.allianceId;
    for (const p of s.periods) {
      const members = (role: AllianceRole, day: string, value: number): Fact => ({
        metric: CounterMetric.AllianceMembers,
        dims: { allianceId, memberKind: p.memberKind, role },
        day,
        value,
      });
      facts.push(members(p.role, p.joinedOn, 1));
      facts.push({
        metric: CounterMetric.AllianceJoins,
        dims: { allianceId, year: yearOf(p.joinedOn), memberKind: p.memberKind },
        day: p.joinedOn,
        value: 1,
      });
      let role = p.role;
      for (const c of p.roleChanges) {
        facts.push(members(role, c.date, -1), members(c.role, c.date, 1));
        role = c.role;
      }
      if (p.departedOn) {
        facts.push(members(role, p.departedOn, -1));
        facts.push({
          metric: CounterMetric.AllianceDepartures,
          dims: { allianceId, year: yearOf(p.departedOn), memberKind: p.memberKind },
          day: p.departedOn,
          value: 1,
        });
      }
    }
    return facts;
  },
};

export interface AllianceChartersState {
  allianceId: string;
  charters: Array<{ version: number; adoptedOn: string }>;
}

/** Charters of an alliance (subject = alliance id): each version counts from its adoption day. */
export const allianceCharterProjection: Projection<AllianceChartersState> = {
  kind: 'alliance_charter',
  entityIds: (e) => [e.subject],
  initial: () => ({ allianceId: '', charters: [] }),
  reduce(s, e) {
    const d = (e as EventOf<typeof AllianceCharterAdopted>).data;
    return { allianceId: d.allianceId, charters: [...s.charters, { version: d.version, adoptedOn: d.adoptedOn }] };
  },
  facts: (s) =>
    s.charters.map((c) => ({
      metric: CounterMetric.AllianceCharters,
      dims: { allianceId: s.allianceId, version: c.version },
      day: c.adoptedOn,
      value: 1,
    })),
};

/** "1234.5" → 123450, exactly (amounts have at most 13 integer digits). */
export function amountToCents(amount: string): number {
  const [whole, fraction = ''] = amount.split('.');
  return Number(BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0')));
}

/** Contributions: counted, and their amounts summed in integer cents, by alliance, year and kind. */
export const allianceContributionProjection: Projection<DataOf<typeof AllianceContributionRecorded> | null> = {
  kind: 'alliance_contribution',
  entityIds: (e) => [e.subject],
  initial: () => null,
  reduce: (_s, e) => (e as EventOf<typeof AllianceContributionRecorded>).data,
  facts(c) {
    if (!c) return [];
    const dims = { allianceId: c.allianceId, year: yearOf(c.date), kind: c.kind };
    const facts: Fact[] = [{ metric: CounterMetric.AllianceContributions, dims, day: c.date, value: 1 }];
    const cents = c.amount === null ? 0 : amountToCents(c.amount);
    if (cents !== 0) facts.push({ metric: CounterMetric.AllianceContributionCents, dims, day: c.date, value: cents });
    return facts;
  },
};

/**
 * Activities: counted by alliance, year, kind and online; each activity's participant count is its
 * own cell (so the largest forum is a max at read time), and each listed participant is a cell
 * (so distinct participants are the non-zero cells). A state stored from a v1 event (before v2) still holds v1's data,
 * participantCount possibly null: its facts were counted then by the same rule, and a recount of this kind's stored
 * states (`recomputeFacts`) would have to upcast them first.
 */
export const allianceActivityProjection: Projection<DataOf<typeof AllianceActivityHeld> | null> = {
  kind: 'alliance_activity',
  entityIds: (e) => [e.subject],
  initial: () => null,
  reduce: (_s, e) => (e as EventOf<typeof AllianceActivityHeld>).data,
  facts(a) {
    if (!a) return [];
    const year = yearOf(a.date);
    const facts: Fact[] = [
      {
        metric: CounterMetric.AllianceActivities,
        dims: { allianceId: a.allianceId, year, kind: a.kind, online: a.online },
        day: a.date,
        value: 1,
      },
    ];
    if (a.participantCount > 0) {
      facts.push({
        metric: CounterMetric.AllianceActivityParticipants,
        dims: { allianceId: a.allianceId, activityId: a.activityId, year, kind: a.kind },
        day: a.date,
        value: a.participantCount,
      });
    }
    for (const participant of new Set(a.participants)) {
      facts.push({
        metric: CounterMetric.AllianceActivityParticipant,
        dims: { allianceId: a.allianceId, year, kind: a.kind, participant },
        day: a.date,
        value: 1,
      });
    }
    return facts;
  },
};
