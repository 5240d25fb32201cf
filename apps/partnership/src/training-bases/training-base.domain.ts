import { InvestmentSource, Sector, TrainingBaseInvestmentRecorded, TrainingBaseRegistered, TrainingBaseUpdated } from '@chanjiao/contracts';
import { Decision, emit, fail, unchanged } from '@chanjiao/domain';
import { PartnershipErrorCode as Code } from '../partnership.errors';

export interface TrainingBaseState {
  baseId: string;
  name: string;
  kind: string;
  sector: Sector | null;
  version: number;
}

export interface InvestmentState {
  baseId: string;
  investmentId: string;
  amount: string;
  source: InvestmentSource;
  date: string;
}

/** PUT /training-bases/{baseId}: create, update (next version) or nothing if identical. */
export function decideBasePut(
  existing: TrainingBaseState | undefined,
  input: Omit<TrainingBaseState, 'version'>,
): Decision<TrainingBaseState> {
  if (!existing)
    return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(TrainingBaseRegistered, input) };
  if (existing.name === input.name && existing.kind === input.kind && existing.sector === input.sector) return unchanged(existing);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, input, { version: existing.version + 1 }),
    emit: emit(TrainingBaseUpdated, input),
  };
}

/** An investment in a base: new (the base's next version, which the caller counts), an identical repeat (no-op), or a conflict. */
export function decideInvestment(
  base: TrainingBaseState | undefined,
  existing: InvestmentState | undefined,
  input: InvestmentState,
): Decision<InvestmentState> {
  if (!base) return fail('not_found', Code.TrainingBaseNotFound, `no training base ${input.baseId}`, 'baseId');
  if (existing) {
    const same = existing.amount === input.amount && existing.source === input.source && existing.date === input.date;
    if (same) return unchanged(existing);
    return fail('conflict', Code.InvestmentExists, `investment ${input.investmentId} exists with other details`, 'investmentId');
  }
  return { ok: true, outcome: 'created', state: input, emit: emit(TrainingBaseInvestmentRecorded, input) };
}
