import type { CloudEvent } from '@chanjiao/contracts';
import type { CounterMetric } from './counter-metric';

/**
 * A fact is one entity's contribution to a counter: `value` added to `metric` at `dims`, from
 * `day` on (absent: from the beginning of time). Reports sum facts with `day <= asOf`.
 */
export interface Fact {
  metric: CounterMetric;
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

/**
 * Canonical key of a fact's cell (metric, dims in key order, day). Built for every fact of every event, so it
 * allocates nothing but the key: dims have a handful of keys, taken in order by repeated scans instead of
 * `Object.keys(...).sort()`, whose arrays were about a tenth of what the consumer allocated during an ingest.
 */
export function cellKey(f: Pick<Fact, 'metric' | 'dims' | 'day'>): string {
  let key = `${f.metric}\u0001${f.day ?? ''}`;
  const dims = f.dims;
  let last: string | undefined;
  for (;;) {
    let next: string | undefined;
    for (const k in dims) if ((last === undefined || k > last) && (next === undefined || k < next)) next = k;
    if (next === undefined) return key;
    const v = dims[next];
    key += `\u0001${next}=${typeof v === 'string' ? `s${v}` : String(v)}`;
    last = next;
  }
}

/** Counter changes that turn `before` into `after`, by cell key (see cellKey): the only thing the engine writes to counters. */
export function diffCells(before: readonly Fact[], after: readonly Fact[]): Map<string, Fact> {
  const cells = new Map<string, Fact>();
  const add = (f: Fact, sign: 1 | -1) => {
    const key = cellKey(f);
    const cell = cells.get(key);
    if (cell) cell.value += sign * f.value;
    else cells.set(key, Object.assign({ metric: f.metric, dims: f.dims }, f.day ? { day: f.day } : {}, { value: sign * f.value }));
  };
  for (const f of before) add(f, -1);
  for (const f of after) add(f, 1);
  for (const [key, cell] of cells) if (cell.value === 0) cells.delete(key);
  return cells;
}
