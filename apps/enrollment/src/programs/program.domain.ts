import { ProgramOpened, ProgramSnapshot, ProgramSuspended, ProgramUpdated } from '@chanjiao/contracts';
import { Accepted, emit, unchanged } from '@chanjiao/domain';

export interface ProgramState extends ProgramSnapshot {
  version: number;
}

const same = (a: ProgramSnapshot, b: ProgramSnapshot) =>
  a.name === b.name &&
  a.category === b.category &&
  a.cluster === b.cluster &&
  a.level === b.level &&
  a.status === b.status &&
  a.sectors.length === b.sectors.length &&
  a.sectors.every((s, i) => s === b.sectors[i]);

/** PUT /programs/{code}: create, update (next version) or nothing if identical; never refused. Events carry the whole program. */
export function decideProgramPut(existing: ProgramState | undefined, input: ProgramSnapshot): Accepted<ProgramState> {
  const snapshot: ProgramSnapshot = Object.assign({}, input, { sectors: [...new Set(input.sectors)].sort() });
  if (!existing) {
    return {
      ok: true,
      outcome: 'created',
      state: Object.assign({}, snapshot, { version: 1 }),
      emit: emit(snapshot.status === 'open' ? ProgramOpened : ProgramSuspended, snapshot),
    };
  }
  if (same(existing, snapshot)) return unchanged(existing);
  const event = existing.status === snapshot.status ? ProgramUpdated : snapshot.status === 'open' ? ProgramOpened : ProgramSuspended;
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, snapshot, { version: existing.version + 1 }),
    emit: emit(event, snapshot),
  };
}
