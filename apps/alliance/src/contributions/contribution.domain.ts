import { AllianceContributionRecorded, ContributionKind } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { AllianceErrorCode as Code, fail } from '../common/alliance.errors';
import { normalizeAmount } from '../common/money';
import { MemberState, wasMemberOn } from '../members/member.domain';

export interface ContributionState {
  allianceId: string;
  contributionId: string;
  memberId: string;
  kind: ContributionKind;
  /** CNY, two fraction digits, or null. */
  amount: string | null;
  description: string | null;
  date: string;
}

const same = (a: ContributionState, b: ContributionState) =>
  a.memberId === b.memberId && a.kind === b.kind && a.amount === b.amount && a.description === b.description && a.date === b.date;

/**
 * POST /alliances/{a}/contributions: a contribution is recorded once (an identical repeat is a no-op,
 * other content under the same id a conflict); its member must belong to the alliance on its date.
 */
export function decideContribution(
  existing: ContributionState | undefined,
  input: ContributionState,
  member: MemberState | undefined,
): Decision<ContributionState> {
  const state: ContributionState = Object.assign({}, input, { amount: input.amount === null ? null : normalizeAmount(input.amount) });
  if (existing) {
    if (same(existing, state)) return unchanged(existing);
    return fail(
      'conflict',
      Code.ContributionExists,
      `contribution ${input.contributionId} of ${input.allianceId} is already recorded with other content`,
      'contributionId',
    );
  }
  if (!member) {
    return fail('invalid', Code.UnknownMember, `${input.memberId} is not a member of ${input.allianceId}`, 'memberId');
  }
  if (!wasMemberOn(member, input.date)) {
    return fail(
      'conflict',
      Code.MemberNotCurrent,
      `${input.memberId} was not a member of ${input.allianceId} on ${input.date}`,
      'memberId',
    );
  }
  const { description: _private, ...data } = state;
  return { ok: true, outcome: 'created', state, emit: emit(AllianceContributionRecorded, data) };
}
