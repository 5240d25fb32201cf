import { CloudEvent, streamOf } from '@chanjiao/contracts';
import { diffCells, Fact } from './projection';
import type { ProjectionRegistry } from './projection.registry';

/** A stream's key (institution, stream, subject) or a read model's (institution, kind, id), as its three columns. */
export type Key = readonly [string, string, string];

export interface StreamPosition {
  institution: string;
  stream: string;
  subject: string;
  sequence: number;
}

export interface ReadModel {
  institution: string;
  kind: string;
  id: string;
  state: unknown;
  facts: Fact[];
}

/** A difference to add to one counter cell. */
export type CounterCell = Fact & { institution: string };

export interface Freshness {
  institution: string;
  /** The latest event time of the institution's events applied (as the event gave it). */
  lastEventTime: string;
  /** How many of its events were applied. */
  applied: number;
}

/** What the store found for a batch: see `ProjectionEngine.streams` and `readModelKeys`. */
export interface LoadedRows {
  /** Ids of the batch's events the inbox had not recorded before (the others were applied already). */
  fresh: Iterable<string>;
  /** The positions of the batch's streams that have one. */
  positions: readonly StreamPosition[];
  /** Every event parked on the batch's streams. */
  parked: readonly CloudEvent[];
  /** The read models of `readModelKeys` that exist. */
  readModels: readonly ReadModel[];
}

/** What a batch changes, for the store to write. Lists whose order locks rows are in key order. */
export interface ProjectionChanges {
  /** Events whose inbox rows go, so that a retry applies them (sorted). */
  discarded: string[];
  /** Streams that moved and have a position row (key order). */
  movedPositions: StreamPosition[];
  /** Streams that moved for the first time: their position rows to insert (key order). */
  newPositions: StreamPosition[];
  /** Events to park, that is to insert unless parked already. */
  parked: CloudEvent[];
  /** Parked events applied: rows to remove (`sequence`: the parked event's). */
  unparked: StreamPosition[];
  /** Read models changed that exist. */
  updatedReadModels: ReadModel[];
  /** Read models to create (key order). */
  createdReadModels: ReadModel[];
  /** Differences to add to the counters, none zero (key order). */
  counterCells: CounterCell[];
  /** Per institution (in order). */
  freshness: Freshness[];
}

export type ProjectOutcome = 'applied' | 'parked' | 'stale';

interface Entity {
  state: unknown;
  facts: Fact[];
  changed: boolean;
  /** Not in read_model yet: created at commit. */
  isNew: boolean;
}

interface Pending {
  event: CloudEvent;
  /** Loaded from stream_pending, so not to be inserted again (and to be removed once applied). */
  persisted: boolean;
}

// Composite keys joined by NUL (which PostgreSQL text, and so no id, can hold): cheaper than JSON for
// the thousands built per batch. Sorted, they give every transaction the same lock order.
const SEP = '\u0000';
const joinKey = (a: string, b: string, c: string) => `${a}${SEP}${b}${SEP}${c}`;
const streamKey = (e: CloudEvent) => joinKey(e.institution, streamOf(e.type), e.subject);
const entityKey = joinKey;
const splitKey = (key: string) => key.split(SEP) as [string, string, string];
const byKey = <T>([a]: readonly [string, T], [b]: readonly [string, T]) => (a < b ? -1 : 1);

/**
 * One batch of the projection engine, without I/O: the store loads what `streams` and `readModelKeys` name and hands
 * it to `load` (then what `load` answers, to `loadMore`); the consumer `project`s each fresh event; the store writes
 * `changes()`. Per stream (`<service>.<entity>`) and subject, events apply in `sequence` order: one already applied
 * is stale, one ahead of its predecessor is parked until the gap closes, and applying an event applies the parked
 * successors it unblocks. Each event folds into the state of every read model its projections name, and the
 * difference between the models' facts before and after goes to the counters.
 */
export class ProjectionEngine {
  /** The batch's streams: the store locks them, and loads their positions and parked events. */
  readonly streams: Key[];
  /** The read models the batch's events change, in key (lock) order. */
  readonly readModelKeys: Key[];
  stale = 0;
  parked = 0;
  private readonly keys: Set<string>;
  private fresh = new Set<string>();
  private readonly discarded = new Set<string>();
  private readonly positions = new Map<string, number>();
  private readonly changedPositions = new Set<string>();
  /** Streams with no stream_position row yet: inserted at commit if they moved. */
  private readonly newStreams = new Set<string>();
  private readonly pending = new Map<string, Map<number, Pending>>();
  private readonly consumedPending: Array<{ key: string; sequence: number }> = [];
  private readonly entities = new Map<string, Entity>();
  private readonly deltas = new Map<string, CounterCell>();
  private readonly freshness = new Map<string, { last: string; lastMs: number; applied: number }>();
  private parkedKeys = new Set<string>();

  /** `events`: the batch, each id once. `onStale` hears of each stale event (the stream's position given). */
  constructor(
    private readonly registry: Pick<ProjectionRegistry, 'projectionsFor'>,
    events: readonly CloudEvent[],
    private readonly onStale?: (event: CloudEvent, position: number) => void,
  ) {
    this.streams = [...new Set(events.map(streamKey))].map(splitKey);
    this.keys = this.entityKeysOf(events);
    this.readModelKeys = [...this.keys].sort().map(splitKey);
  }

  /**
   * Takes what the store found. Answers the read models that parked events change and the batch's own events do not
   * (rare), in key order: the store loads those too (locked after the others) and hands them to `loadMore`.
   */
  load(rows: LoadedRows): Key[] {
    this.fresh = new Set(rows.fresh);
    for (const p of rows.positions) this.positions.set(joinKey(p.institution, p.stream, p.subject), p.sequence);
    for (const [i, s, j] of this.streams) {
      const k = joinKey(i, s, j);
      if (!this.positions.has(k)) {
        this.positions.set(k, 0);
        this.newStreams.add(k);
      }
    }
    for (const event of rows.parked) this.pendingOf(streamKey(event)).set(event.sequence, { event, persisted: true });
    this.addEntities(rows.readModels, this.keys);
    this.parkedKeys = new Set([...this.entityKeysOf(rows.parked)].filter((k) => !this.keys.has(k)));
    return [...this.parkedKeys].sort().map(splitKey);
  }

  /** The read models of the keys `load` answered that exist. */
  loadMore(readModels: readonly ReadModel[]): void {
    this.addEntities(readModels, this.parkedKeys);
  }

  /** Whether the inbox had not seen the event: only fresh events are projected. */
  isFresh(eventId: string): boolean {
    return this.fresh.has(eventId);
  }

  /** Applying the event failed: its inbox row goes, and it is not parked. */
  discard(eventId: string): void {
    this.discarded.add(eventId);
  }

  /**
   * Applies one event (and any parked successors) or parks it. All-or-nothing: if a projection
   * throws, nothing of this event is staged and the error goes back to the caller.
   */
  project(event: CloudEvent): ProjectOutcome {
    const key = streamKey(event);
    const position = this.positions.get(key);
    if (position === undefined) throw new Error(`stream of event ${event.id} was not loaded`);
    if (event.sequence <= position) {
      this.stale++;
      this.onStale?.(event, position);
      return 'stale';
    }
    const pending = this.pendingOf(key);
    if (event.sequence > position + 1) {
      if (!pending.has(event.sequence)) pending.set(event.sequence, { event, persisted: false });
      this.parked++;
      return 'parked';
    }
    // Compute everything first, stage after: a throwing projection leaves no trace.
    const chain: CloudEvent[] = [event];
    const drained: number[] = [];
    for (let next = event.sequence + 1; pending.has(next); next++) {
      chain.push(pending.get(next)!.event);
      drained.push(next);
    }
    const staged = new Map<string, Entity>();
    const deltas: Array<{ key: string; fact: Fact; institution: string }> = [];
    for (const e of chain) {
      for (const projection of this.registry.projectionsFor(e.type)) {
        for (const id of projection.entityIds(e)) {
          const k = entityKey(e.institution, projection.kind, id);
          const current = staged.get(k) ?? this.entities.get(k);
          if (!current) throw new Error(`read model ${k} was not loaded`);
          const state = projection.reduce(current.state ?? projection.initial(), e);
          const facts = projection.facts(state);
          for (const [cell, fact] of diffCells(current.facts, facts))
            deltas.push({ key: `${e.institution}${SEP}${cell}`, fact, institution: e.institution });
          staged.set(k, { state, facts, changed: true, isNew: current.isNew });
        }
      }
    }
    for (const [k, row] of staged) this.entities.set(k, row);
    for (const { key, fact, institution } of deltas) {
      const cell = this.deltas.get(key);
      if (cell) cell.value += fact.value;
      else this.deltas.set(key, Object.assign({}, fact, { institution }));
    }
    for (const seq of drained) {
      if (pending.get(seq)!.persisted) this.consumedPending.push({ key, sequence: seq });
      pending.delete(seq);
    }
    this.positions.set(key, chain.at(-1)!.sequence);
    this.changedPositions.add(key);
    for (const e of chain) {
      const ms = Date.parse(e.time);
      const f = this.freshness.get(e.institution);
      if (!f) this.freshness.set(e.institution, { last: e.time, lastMs: ms, applied: 1 });
      else {
        if (ms > f.lastMs) {
          f.last = e.time;
          f.lastMs = ms;
        }
        f.applied++;
      }
    }
    return 'applied';
  }

  /** Everything the batch changes, for the store to write at commit. */
  changes(): ProjectionChanges {
    const position = (k: string, sequence: number): StreamPosition => {
      const [institution, stream, subject] = splitKey(k);
      return { institution, stream, subject, sequence };
    };
    const movedPositions: StreamPosition[] = [];
    const newPositions: StreamPosition[] = [];
    for (const k of [...this.changedPositions].sort())
      (this.newStreams.has(k) ? newPositions : movedPositions).push(position(k, this.positions.get(k)!));
    const readModel = ([k, v]: readonly [string, Entity]): ReadModel => {
      const [institution, kind, id] = splitKey(k);
      return { institution, kind, id, state: v.state, facts: v.facts };
    };
    const changed = [...this.entities].filter(([, v]) => v.changed);
    return {
      discarded: [...this.discarded].sort(),
      movedPositions,
      newPositions,
      parked: [...this.pending.values()]
        .flatMap((m) => [...m.values()])
        .filter((p) => !p.persisted && !this.discarded.has(p.event.id))
        .map((p) => p.event),
      unparked: this.consumedPending.map(({ key, sequence }) => position(key, sequence)),
      updatedReadModels: changed.filter(([, v]) => !v.isNew).map(readModel),
      createdReadModels: changed
        .filter(([, v]) => v.isNew)
        .sort(byKey)
        .map(readModel),
      counterCells: [...this.deltas]
        .filter(([, d]) => d.value !== 0)
        .sort(byKey)
        .map(([, d]) => d),
      freshness: [...this.freshness].sort(byKey).map(([institution, f]) => ({ institution, lastEventTime: f.last, applied: f.applied })),
    };
  }

  private entityKeysOf(events: readonly CloudEvent[]): Set<string> {
    const keys = new Set<string>();
    for (const e of events) {
      for (const p of this.registry.projectionsFor(e.type)) for (const id of p.entityIds(e)) keys.add(entityKey(e.institution, p.kind, id));
    }
    return keys;
  }

  /** The rows found, and a new (empty) entity for every key without one. */
  private addEntities(rows: readonly ReadModel[], keys: ReadonlySet<string>): void {
    for (const r of rows)
      this.entities.set(entityKey(r.institution, r.kind, r.id), { state: r.state, facts: r.facts, changed: false, isNew: false });
    for (const k of keys) if (!this.entities.has(k)) this.entities.set(k, { state: null, facts: [], changed: false, isNew: true });
  }

  private pendingOf(key: string): Map<number, Pending> {
    let m = this.pending.get(key);
    if (!m) this.pending.set(key, (m = new Map()));
    return m;
  }
}
