import { AllianceRegistered, AllianceSnapshot, AllianceUpdated } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { AllianceErrorCode as Code, fail } from '../common/alliance.errors';

export interface AllianceState extends AllianceSnapshot {
  version: number;
}

const same = (a: AllianceSnapshot, b: AllianceSnapshot) =>
  a.name === b.name && a.scope === b.scope && a.sector === b.sector && a.foundedOn === b.foundedOn && a.role === b.role;

/**
 * PUT /alliances/{allianceId}: register, update (next version) or nothing if identical. `firstRecord`: the date of the
 * alliance's earliest join, charter, activity or contribution; its founding may not move past it.
 */
export function decideAlliancePut(
  existing: AllianceState | undefined,
  input: AllianceSnapshot,
  firstRecord?: string,
): Decision<AllianceState> {
  if (!existing) {
    return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(AllianceRegistered, { ...input }) };
  }
  if (same(existing, input)) return unchanged(existing);
  if (firstRecord !== undefined && input.foundedOn > firstRecord) {
    return fail(
      'conflict',
      Code.FoundingAfterRecords,
      `foundedOn ${input.foundedOn} is after alliance ${input.allianceId}'s first record (${firstRecord}: a join, charter, activity or contribution)`,
      'foundedOn',
    );
  }
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, input, { version: existing.version + 1 }),
    emit: emit(AllianceUpdated, { ...input }),
  };
}
