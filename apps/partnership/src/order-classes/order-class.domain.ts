import { OrderClassOpened, OrderClassUpdated } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';

export interface OrderClassState {
  orderClassId: string;
  partnerId: string;
  programCode: string;
  cohortYear: number;
  students: number;
  version: number;
}

/** POST /order-classes: create, or update (e.g. the number of students; next version), or nothing if identical. */
export function decideOrderClass(
  existing: OrderClassState | undefined,
  input: Omit<OrderClassState, 'version'>,
): Decision<OrderClassState> {
  if (!existing)
    return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(OrderClassOpened, input) };
  const same =
    existing.partnerId === input.partnerId &&
    existing.programCode === input.programCode &&
    existing.cohortYear === input.cohortYear &&
    existing.students === input.students;
  if (same) return unchanged(existing);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, input, { version: existing.version + 1 }),
    emit: emit(OrderClassUpdated, input),
  };
}
