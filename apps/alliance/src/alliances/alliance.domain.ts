import { AllianceRegistered, AllianceSnapshot, AllianceUpdated } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '../common/decision';

export interface AllianceState extends AllianceSnapshot {
  version: number;
}

const same = (a: AllianceSnapshot, b: AllianceSnapshot) =>
  a.name === b.name && a.scope === b.scope && a.sector === b.sector && a.foundedOn === b.foundedOn && a.role === b.role;

/** PUT /alliances/{allianceId}: register, update (next version) or nothing if identical. */
export function decideAlliancePut(existing: AllianceState | undefined, input: AllianceSnapshot): Decision<AllianceState> {
  if (!existing) {
    return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(AllianceRegistered, { ...input }) };
  }
  if (same(existing, input)) return unchanged(existing);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, input, { version: existing.version + 1 }),
    emit: emit(AllianceUpdated, { ...input }),
  };
}
