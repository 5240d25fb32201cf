import type { CloudEvent } from '@chanjiao/contracts';

/**
 * A fact is one entity's contribution to a counter: `value` added to `metric` at `dims`, from
 * `day` on (absent: from the beginning of time). Reports sum facts with `day <= asOf`.
 */
export interface Fact {
  metric: string;
  dims: Record<string, string | number | boolean | null>;
  day?: string;
  value: number;
}

/**
 * A read-model entity's projection: pure functions, no I/O. `reduce` folds one event (they arrive
 * in `sequence` order per stream and subject) and `facts` says what the entity contributes to
 * the counters; the engine applies the difference between old and new facts.
 */
export interface Projection<S> {
  kind: string;
  /** The entities of this kind the event changes (usually one; an agreement naming several partners changes each). */
  entityIds(event: CloudEvent): string[];
  initial(): S;
  reduce(state: S, event: CloudEvent): S;
  facts(state: S): Fact[];
}

export type AnyProjection = Projection<unknown>;

/** Canonical key of a fact's cell (metric, dims with sorted keys, day); built per fact per event, so kept cheap. */
export function cellKey(f: Pick<Fact, 'metric' | 'dims' | 'day'>): string {
  let key = `${f.metric}\u0001${f.day ?? ''}`;
  for (const k of Object.keys(f.dims).sort()) {
    const v = f.dims[k];
    key += `\u0001${k}=${typeof v === 'string' ? `s${v}` : String(v)}`;
  }
  return key;
}

/** Counter changes that turn `before` into `after`: the only thing the engine writes to counters. */
export function diffFacts(before: readonly Fact[], after: readonly Fact[]): Fact[] {
  const cells = new Map<string, Fact>();
  const add = (f: Fact, sign: 1 | -1) => {
    const key = cellKey(f);
    const cell = cells.get(key) ?? { metric: f.metric, dims: f.dims, ...(f.day ? { day: f.day } : {}), value: 0 };
    cell.value += sign * f.value;
    cells.set(key, cell);
  };
  before.forEach((f) => add(f, -1));
  after.forEach((f) => add(f, 1));
  return [...cells.values()].filter((c) => c.value !== 0);
}
