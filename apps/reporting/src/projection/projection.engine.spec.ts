import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@chanjiao/contracts';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';
import { PlacementEventFactory } from '../../../../test/fixtures/placement-events';
import { InMemoryProjectionStore, projectInBatchesOf, TEST_SETTINGS } from '../../../../test/fixtures/projection-driver';
import type { AnyProjection } from './projection';
import { ProjectionChanges, ProjectionEngine } from './projection.engine';
import { ProjectionRegistry } from './projection.registry';

const registry = new ProjectionRegistry(TEST_SETTINGS);
const nothing: ProjectionChanges = {
  discarded: [],
  movedPositions: [],
  newPositions: [],
  parked: [],
  unparked: [],
  updatedReadModels: [],
  createdReadModels: [],
  counterCells: [],
  freshness: [],
};
/** The same event again under another id: a producer's retry, or another producer's on the same stream. */
const again = (e: CloudEvent): CloudEvent => Object.assign({}, e, { id: randomUUID() });
const at = (e: CloudEvent, time: string): CloudEvent => Object.assign({}, e, { time });

describe('ProjectionEngine', () => {
  const student = () => {
    const f = new EnrollmentEventFactory('E');
    return [f.enrolled('S1'), f.transferred('S1', '2023-02-01', 'P1', 'P2'), f.graduated('S1', '2025-06-30', 2025, 'P2')] as const;
  };

  it('parks events ahead of their predecessor, across batches, and applies them once the gap closes', () => {
    const [e1, e2, e3] = student();
    const store = new InMemoryProjectionStore();
    const first = store.run([e3]);
    expect(first.parked).toBe(1);
    expect(first.changes()).toEqual({ ...nothing, parked: [e3] });
    expect(store.run([e2]).changes()).toEqual({ ...nothing, parked: [e2] });

    const { engine, commit } = store.begin([e1]);
    expect(engine.project(e1)).toBe('applied');
    const c = engine.changes();
    expect(c.newPositions).toEqual([{ institution: 'E', stream: 'enrollment.student', subject: 'S1', sequence: 3 }]);
    expect(c.unparked.map((p) => p.sequence)).toEqual([2, 3]);
    expect(c.parked).toEqual([]);
    expect(c.createdReadModels.map((m) => [m.kind, m.id])).toEqual([
      ['graduate', 'S1'],
      ['intern', 'S1'],
      ['student', 'S1'],
    ]);
    expect(c.freshness).toEqual([expect.objectContaining({ institution: 'E', applied: 3 })]);
    commit();
    expect([...store.parked.values()].flatMap((m) => [...m.keys()])).toEqual([]);
    // The same counters as the three in order in one batch.
    expect(store.cells()).toEqual(projectInBatchesOf(Infinity, [e1, e2, e3]));

    // The next event of the stream moves an existing position.
    const next = store.run([again(e3), { ...again(e3), sequence: 4 }]).changes();
    expect(next.movedPositions).toEqual([{ institution: 'E', stream: 'enrollment.student', subject: 'S1', sequence: 4 }]);
    expect(next.newPositions).toEqual([]);
  });

  it('an event at or below its stream position is stale: counted and reported, and nothing changes', () => {
    const [e1] = student();
    const store = new InMemoryProjectionStore();
    store.run([e1]);
    const late = again(e1);
    const stale: Array<[string, number]> = [];
    const { engine } = store.begin([late], (event, position) => stale.push([event.id, position]));
    expect(engine.isFresh(late.id)).toBe(true);
    expect(engine.project(late)).toBe('stale');
    expect(engine.stale).toBe(1);
    expect(stale).toEqual([[late.id, 1]]);
    expect(engine.changes()).toEqual(nothing);
  });

  it('an event the inbox has seen is not fresh; one parked twice is parked once', () => {
    const [e1, , e3] = student();
    const store = new InMemoryProjectionStore();
    const engine = store.run([e1, e1]);
    expect(engine.isFresh(e1.id)).toBe(true);
    expect(engine.changes().freshness).toEqual([expect.objectContaining({ applied: 1 })]);
    const counters = store.cells();
    const redelivered = store.run([e1]);
    expect(redelivered.isFresh(e1.id)).toBe(false);
    expect(redelivered.changes()).toEqual(nothing);
    expect(store.cells()).toEqual(counters);

    const { engine: twice } = store.begin([e3, e3]);
    expect([twice.project(e3), twice.project(e3)]).toEqual(['parked', 'parked']);
    expect(twice.parked).toBe(2);
    expect(twice.changes().parked).toEqual([e3]);
  });

  it('a projection that throws leaves no trace of its event, nor of the parked successors it would have applied', () => {
    const [e1, e2, e3] = student();
    const failing = new Set([e2.id]);
    const boom: AnyProjection = {
      kind: 'boom',
      entityIds: (e) => [e.subject],
      initial: () => null,
      reduce: (state, e) => {
        if (failing.has(e.id)) throw new Error(`boom on ${e.id}`);
        return state;
      },
      facts: () => [],
    };
    // After the real projections, so that theirs are computed before it throws.
    const store = new InMemoryProjectionStore({ projectionsFor: (type) => [...registry.projectionsFor(type), boom] });
    const { engine, commit } = store.begin([e2, e3, e1]);
    expect(engine.project(e2)).toBe('parked');
    expect(engine.project(e3)).toBe('parked');
    expect(() => engine.project(e1)).toThrow(`boom on ${e2.id}`);
    engine.discard(e1.id); // as the consumer does
    expect(engine.changes()).toEqual({ ...nothing, discarded: [e1.id], parked: [e2, e3] });
    commit();
    expect(store.log.has(e1.id)).toBe(false);

    // Run again once the projection is fixed: all three apply, as if nothing had failed.
    failing.clear();
    store.run([e1]);
    expect(store.positions.get(JSON.stringify(['E', 'enrollment.student', 'S1']))).toBe(3);
    expect(store.cells()).toEqual(projectInBatchesOf(Infinity, [e1, e2, e3]));
  });

  it('a discarded event is forgotten by the inbox and not parked; discarded ids come in order', () => {
    const [, e2, e3] = student();
    const store = new InMemoryProjectionStore();
    const { engine, commit } = store.begin([e3, e2]);
    expect(engine.project(e3)).toBe('parked');
    expect(engine.project(e2)).toBe('parked');
    engine.discard(e3.id);
    engine.discard(e2.id);
    expect(engine.changes()).toEqual({ ...nothing, discarded: [e2.id, e3.id].sort() });
    commit();
    expect(store.begin([e2, e3]).engine.isFresh(e3.id)).toBe(true);
  });

  it('freshness is the latest event time per institution (as instants) and the number of events applied', () => {
    const a = new EnrollmentEventFactory('A');
    const b = new EnrollmentEventFactory('B');
    const engine = new InMemoryProjectionStore().run([
      at(b.enrolled('S1'), '2022-09-01T08:00:00Z'),
      at(a.enrolled('S1'), '2022-09-01T12:00:00+08:00'), // 04:00Z
      at(a.enrolled('S2'), '2022-09-01T05:00:00Z'),
      at(a.enrolled('S3'), '2022-08-01T00:00:00Z'),
    ]);
    expect(engine.changes().freshness).toEqual([
      { institution: 'A', lastEventTime: '2022-09-01T05:00:00Z', applied: 3 },
      { institution: 'B', lastEventTime: '2022-09-01T08:00:00Z', applied: 1 },
    ]);
  });

  it('gives keys, new rows and counter cells in key order, whatever the order of the events', () => {
    const f = new EnrollmentEventFactory('K');
    const events = ['S3', 'S1', 'S2'].map((s) => f.enrolled(s, { programCode: `P${s}` }));
    const engine = new ProjectionEngine(registry, events);
    expect(engine.readModelKeys.map((k) => k.join('/'))).toEqual([
      'K/intern/S1',
      'K/intern/S2',
      'K/intern/S3',
      'K/student/S1',
      'K/student/S2',
      'K/student/S3',
    ]);
    engine.load({ fresh: events.map((e) => e.id), positions: [], parked: [], readModels: [] });
    for (const e of events) expect(engine.project(e)).toBe('applied');
    const c = engine.changes();
    const sorted = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((x, y) => (key(x) < key(y) ? -1 : 1));
    expect(c.newPositions.map((p) => p.subject)).toEqual(['S1', 'S2', 'S3']);
    expect(c.createdReadModels).toEqual(sorted(c.createdReadModels, (m) => `${m.kind}\u0000${m.id}`));
    expect(c.counterCells.length).toBeGreaterThan(0);
    expect(c.counterCells.every((cell) => cell.value !== 0)).toBe(true);
    const counters = new InMemoryProjectionStore().run([...events].reverse()).changes().counterCells;
    expect(counters).toEqual(c.counterCells);
  });

  it('asks for the read models parked events change that the batch does not, and needs them before projecting', () => {
    const f = new PlacementEventFactory('P');
    const first = f.internship('I1', 'S1');
    const second = f.internship('I1', 'S2'); // corrected to another student: another read model
    const engine = new ProjectionEngine(registry, [first]);
    expect(engine.readModelKeys).toEqual([['P', 'intern', 'S1']]);
    expect(engine.load({ fresh: [first.id], positions: [], parked: [second], readModels: [] })).toEqual([['P', 'intern', 'S2']]);
    engine.loadMore([]);
    expect(engine.project(first)).toBe('applied');
    expect(engine.changes().createdReadModels.map((m) => m.id)).toEqual(['S1', 'S2']);
    expect(engine.changes().unparked).toEqual([{ institution: 'P', stream: 'placement.internship', subject: 'I1', sequence: 2 }]);

    const unloaded = new ProjectionEngine(registry, [first]);
    unloaded.load({ fresh: [first.id], positions: [], parked: [second], readModels: [] });
    expect(() => unloaded.project(first)).toThrow(/read model .* was not loaded/);
    expect(unloaded.changes()).toEqual(nothing);
    expect(() => new ProjectionEngine(registry, []).project(first)).toThrow(/stream of event .* was not loaded/);
  });
});
