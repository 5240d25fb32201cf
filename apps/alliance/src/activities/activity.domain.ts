import { ActivityKind, AllianceActivityHeld, participatingBodies } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { beforeFounding } from '../common/decision';
import { AllianceErrorCode as Code, fail } from '../common/alliance.errors';

export interface ActivityState {
  allianceId: string;
  activityId: string;
  kind: ActivityKind;
  title: string;
  date: string;
  online: boolean;
  /** Distinct member ids or institution names, in the order first given. */
  participants: string[];
  /** As given (the API shows null when none was); the event carries the number of participating bodies. */
  participantCount: number | null;
}

/** Participants without duplicates (names trimmed), first occurrence kept. */
export const distinctParticipants = (participants: readonly string[]): string[] => [...new Set(participants.map((p) => p.trim()))];

const same = (a: ActivityState, b: ActivityState) =>
  a.kind === b.kind &&
  a.title === b.title &&
  a.date === b.date &&
  a.online === b.online &&
  a.participantCount === b.participantCount &&
  a.participants.length === b.participants.length &&
  a.participants.every((p, i) => p === b.participants[i]);

/** POST /alliances/{a}/activities: recorded once, not before the founding; an identical repeat is a no-op, other content a conflict. */
export function decideActivity(
  existing: ActivityState | undefined,
  input: ActivityState,
  allianceFoundedOn: string,
): Decision<ActivityState> {
  const state: ActivityState = Object.assign({}, input, { participants: distinctParticipants(input.participants) });
  if (existing) {
    if (same(existing, state)) return unchanged(existing);
    return fail(
      'conflict',
      Code.ActivityExists,
      `activity ${input.activityId} of ${input.allianceId} is already recorded with other content`,
      'activityId',
    );
  }
  return (
    beforeFounding<ActivityState>({ allianceId: input.allianceId, field: 'date', date: input.date }, allianceFoundedOn) ?? {
      ok: true,
      outcome: 'created',
      state,
      emit: emit(
        AllianceActivityHeld,
        Object.assign({}, state, { participantCount: participatingBodies(state.participants, state.participantCount) }),
      ),
    }
  );
}
