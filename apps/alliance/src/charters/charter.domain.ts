import { AllianceCharterAdopted } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { beforeFounding } from '../common/decision';
import { AllianceErrorCode as Code, fail } from '../common/alliance.errors';

export interface CharterState {
  allianceId: string;
  version: number;
  adoptedOn: string;
  summary: string | null;
  /** Ordinal of this charter among the alliance's charters = sequence of its event. */
  sequence: number;
}

export interface CharterInput {
  allianceId: string;
  version: number;
  adoptedOn: string;
  summary: string | null;
}

/**
 * POST /alliances/{a}/charters: `charters` are the alliance's charters so far. A new version must be
 * higher than every earlier one and adopted no earlier than the latest nor the founding; an identical repeat is a no-op.
 */
export function decideCharter(charters: CharterState[], input: CharterInput, allianceFoundedOn: string): Decision<CharterState> {
  const same = charters.find((c) => c.version === input.version);
  if (same) {
    if (same.adoptedOn === input.adoptedOn && same.summary === input.summary) return unchanged(same);
    return fail(
      'conflict',
      Code.CharterVersionExists,
      `charter version ${input.version} of ${input.allianceId} was adopted on ${same.adoptedOn} with other content; adopt a higher version`,
      'version',
    );
  }
  const early = beforeFounding<CharterState>(
    { allianceId: input.allianceId, field: 'adoptedOn', date: input.adoptedOn },
    allianceFoundedOn,
  );
  if (early) return early;
  const latest = charters.reduce<CharterState | undefined>((a, c) => (!a || c.version > a.version ? c : a), undefined);
  if (latest && input.version < latest.version) {
    return fail(
      'conflict',
      Code.CharterVersionNotIncreasing,
      `charter version ${input.version} is lower than the current version ${latest.version} of ${input.allianceId}`,
      'version',
    );
  }
  if (latest && input.adoptedOn < latest.adoptedOn) {
    return fail(
      'conflict',
      Code.CharterDateBeforePrevious,
      `adoptedOn ${input.adoptedOn} is before version ${latest.version} was adopted (${latest.adoptedOn})`,
      'adoptedOn',
    );
  }
  const state: CharterState = Object.assign({}, input, { sequence: charters.length + 1 });
  return {
    ok: true,
    outcome: 'created',
    state,
    emit: emit(AllianceCharterAdopted, { allianceId: input.allianceId, version: input.version, adoptedOn: input.adoptedOn }),
  };
}
