import { ProgramOpened, ProgramSnapshot, ProgramSuspended, ProgramUpdated } from '@chanjiao/contracts';

export interface ProgramState extends ProgramSnapshot {
  version: number;
}

export type ProgramDecision =
  | { outcome: 'unchanged'; state: ProgramState }
  | {
      outcome: 'created' | 'updated';
      state: ProgramState;
      event: typeof ProgramOpened | typeof ProgramUpdated | typeof ProgramSuspended;
    };

const same = (a: ProgramSnapshot, b: ProgramSnapshot) =>
  a.name === b.name &&
  a.category === b.category &&
  a.cluster === b.cluster &&
  a.level === b.level &&
  a.status === b.status &&
  a.sectors.length === b.sectors.length &&
  a.sectors.every((s, i) => s === b.sectors[i]);

/** PUT /programs/{code}: create, update (next version) or nothing if identical. */
export function decideProgramPut(existing: ProgramState | undefined, input: ProgramSnapshot): ProgramDecision {
  const snapshot: ProgramSnapshot = Object.assign({}, input, { sectors: [...new Set(input.sectors)].sort() });
  if (!existing) {
    return {
      outcome: 'created',
      state: Object.assign({}, snapshot, { version: 1 }),
      event: snapshot.status === 'open' ? ProgramOpened : ProgramSuspended,
    };
  }
  if (same(existing, snapshot)) return { outcome: 'unchanged', state: existing };
  const event = existing.status === snapshot.status ? ProgramUpdated : snapshot.status === 'open' ? ProgramOpened : ProgramSuspended;
  return { outcome: 'updated', state: Object.assign({}, snapshot, { version: existing.version + 1 }), event };
}
