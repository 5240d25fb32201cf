import {
  AllianceMemberDeparted,
  AllianceMemberJoined,
  AllianceMemberKind,
  AllianceMemberRoleChanged,
  AllianceRole,
} from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { beforeFounding } from '../common/decision';
import { AllianceErrorCode as Code, fail } from '../common/alliance.errors';

/** One membership period: joined, maybe role changes, maybe departed. A re-join starts a new period. */
export interface MembershipPeriod {
  memberKind: AllianceMemberKind;
  /** Role at joining. */
  role: AllianceRole;
  joinedOn: string;
  roleChanges: Array<{ date: string; role: AllianceRole }>;
  departedOn: string | null;
}

export interface MemberState {
  allianceId: string;
  memberId: string;
  /** Of the latest period. */
  memberKind: AllianceMemberKind;
  /** Current role (latest period, after its role changes). */
  role: AllianceRole;
  status: 'active' | 'departed';
  joinedOn: string;
  departedOn: string | null;
  periods: MembershipPeriod[];
  version: number;
}

export interface JoinInput {
  allianceId: string;
  memberId: string;
  memberKind: AllianceMemberKind;
  role: AllianceRole;
  joinedOn: string;
}

export type MemberCommand = { kind: 'departure'; date: string } | { kind: 'role_change'; role: AllianceRole; date: string };

const current = (s: MemberState) => s.periods[s.periods.length - 1]!;
const lastChangeDate = (p: MembershipPeriod) => p.roleChanges[p.roleChanges.length - 1]?.date ?? p.joinedOn;

function withPeriods(s: MemberState, periods: MembershipPeriod[]): MemberState {
  const p = periods[periods.length - 1]!;
  return Object.assign({}, s, {
    periods,
    memberKind: p.memberKind,
    role: p.roleChanges[p.roleChanges.length - 1]?.role ?? p.role,
    status: p.departedOn ? 'departed' : 'active',
    joinedOn: p.joinedOn,
    departedOn: p.departedOn,
    version: s.version + 1,
  });
}

/**
 * POST /alliances/{a}/members: a first join, a re-join after a departure (new period), or a repeat of
 * any earlier join (no-op). Joining again while active, or overlapping an earlier period, is a conflict.
 */
export function decideJoin(existing: MemberState | undefined, input: JoinInput, allianceFoundedOn: string): Decision<MemberState> {
  const repeat = existing?.periods.some((p) => p.memberKind === input.memberKind && p.role === input.role && p.joinedOn === input.joinedOn);
  if (existing && repeat) return unchanged(existing);
  const early = beforeFounding<MemberState>(
    { allianceId: input.allianceId, field: 'joinedOn', date: input.joinedOn },
    allianceFoundedOn,
    Code.JoinBeforeFounding,
  );
  if (early) return early;
  const period: MembershipPeriod = {
    memberKind: input.memberKind,
    role: input.role,
    joinedOn: input.joinedOn,
    roleChanges: [],
    departedOn: null,
  };
  const event = emit(AllianceMemberJoined, { ...input });
  if (!existing) {
    const state: MemberState = {
      allianceId: input.allianceId,
      memberId: input.memberId,
      memberKind: input.memberKind,
      role: input.role,
      status: 'active',
      joinedOn: input.joinedOn,
      departedOn: null,
      periods: [period],
      version: 0,
    };
    return { ok: true, outcome: 'created', state: withPeriods(state, [period]), emit: event };
  }
  const last = current(existing);
  if (!last.departedOn) {
    return fail(
      'conflict',
      Code.MemberActive,
      `${input.memberId} is already an active member of ${input.allianceId} (joined ${last.joinedOn}); ` +
        `change its role with POST /alliances/${input.allianceId}/members/${input.memberId}/role`,
      'memberId',
    );
  }
  if (input.joinedOn < last.departedOn) {
    return fail(
      'conflict',
      Code.JoinOverlapsMembership,
      `joinedOn ${input.joinedOn} is before ${input.memberId} left ${input.allianceId} on ${last.departedOn}`,
      'joinedOn',
    );
  }
  return { ok: true, outcome: 'updated', state: withPeriods(existing, [...existing.periods, period]), emit: event };
}

/** Departure and role change of a member; repeats (also of earlier periods) are no-ops. */
export function decideMemberChange(
  existing: MemberState | undefined,
  allianceId: string,
  memberId: string,
  cmd: MemberCommand,
): Decision<MemberState> {
  if (!existing) return fail('not_found', Code.MemberNotFound, `${memberId} has never been a member of ${allianceId}`, 'memberId');
  const last = current(existing);
  if (cmd.kind === 'departure') {
    if (existing.periods.some((p) => p.departedOn === cmd.date)) return unchanged(existing);
    if (last.departedOn) {
      return fail(
        'conflict',
        Code.MemberNotActive,
        `${memberId} already left ${allianceId} on ${last.departedOn} and has not joined again`,
        'memberId',
      );
    }
    if (cmd.date < lastChangeDate(last)) {
      return fail(
        'conflict',
        Code.DateBeforeLastChange,
        `departure date ${cmd.date} is before ${memberId}'s last change in ${allianceId} (${lastChangeDate(last)})`,
        'date',
      );
    }
    const periods = [...existing.periods.slice(0, -1), Object.assign({}, last, { departedOn: cmd.date })];
    return {
      ok: true,
      outcome: 'updated',
      state: withPeriods(existing, periods),
      emit: emit(AllianceMemberDeparted, { allianceId, memberId, date: cmd.date }),
    };
  }
  const isRepeat = existing.periods.some((p) => p.roleChanges.some((c) => c.date === cmd.date && c.role === cmd.role));
  if (isRepeat) return unchanged(existing);
  if (last.departedOn) {
    return fail(
      'conflict',
      Code.MemberNotActive,
      `${memberId} left ${allianceId} on ${last.departedOn}; its role cannot change`,
      'memberId',
    );
  }
  if (existing.role === cmd.role) return unchanged(existing);
  if (cmd.date < lastChangeDate(last)) {
    return fail(
      'conflict',
      Code.DateBeforeLastChange,
      `date ${cmd.date} is before ${memberId}'s last change in ${allianceId} (${lastChangeDate(last)})`,
      'date',
    );
  }
  const periods = [
    ...existing.periods.slice(0, -1),
    Object.assign({}, last, { roleChanges: [...last.roleChanges, { date: cmd.date, role: cmd.role }] }),
  ];
  return {
    ok: true,
    outcome: 'updated',
    state: withPeriods(existing, periods),
    emit: emit(AllianceMemberRoleChanged, { allianceId, memberId, role: cmd.role, previousRole: existing.role, date: cmd.date }),
  };
}

/** Whether the member belonged to the alliance on `date` (joined on or before, not departed by then). */
export function wasMemberOn(s: MemberState, date: string): boolean {
  return s.periods.some((p) => p.joinedOn <= date && (p.departedOn === null || date < p.departedOn));
}
