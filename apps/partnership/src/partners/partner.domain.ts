import { PartnerRegistered, PartnerSnapshot, PartnerUpdated } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';

export interface PartnerState extends PartnerSnapshot {
  version: number;
}

const same = (a: PartnerSnapshot, b: PartnerSnapshot) =>
  a.name === b.name &&
  a.kind === b.kind &&
  a.creditCode === b.creditCode &&
  a.sector === b.sector &&
  a.region === b.region &&
  a.ieiLevel === b.ieiLevel;

/** PUT /partners/{partnerId}: create, update (next version) or nothing if identical. */
export function decidePartnerPut(existing: PartnerState | undefined, input: PartnerSnapshot): Decision<PartnerState> {
  if (!existing)
    return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(PartnerRegistered, input) };
  if (same(existing, input)) return unchanged(existing);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, input, { version: existing.version + 1 }),
    emit: emit(PartnerUpdated, input),
  };
}
