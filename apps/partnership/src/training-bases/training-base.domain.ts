import { InvestmentSource, Sector, TrainingBaseRegistered, TrainingBaseUpdated } from '@chanjiao/contracts';
import { Decision, DomainError, emit, unchanged } from '@chanjiao/domain';
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

/** An investment in a base: new (the base's next version), an identical repeat (no-op), or a conflict. */
export function decideInvestment(
  base: TrainingBaseState | undefined,
  existing: InvestmentState | undefined,
  input: InvestmentState,
): { ok: true; outcome: 'created' | 'unchanged'; value: InvestmentState } | { ok: false; error: DomainError } {
  if (!base)
    return { ok: false, error: new DomainError('not_found', Code.TrainingBaseNotFound, `no training base ${input.baseId}`, 'baseId') };
  if (existing) {
    const same = existing.amount === input.amount && existing.source === input.source && existing.date === input.date;
    if (same) return { ok: true, outcome: 'unchanged', value: existing };
    return {
      ok: false,
      error: new DomainError(
        'conflict',
        Code.InvestmentExists,
        `investment ${input.investmentId} exists with other details`,
        'investmentId',
      ),
    };
  }
  return { ok: true, outcome: 'created', value: input };
}
