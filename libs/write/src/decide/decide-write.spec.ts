import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineEvent } from '@chanjiao/contracts';
import { Decision, emit, failWith, unchanged } from '@chanjiao/domain';
import { decideWrite } from './decide-write';

const fail = failWith<'refused' | 'unknown_thing'>();

const Named = defineEvent({
  type: 'partnership.widget.named.v1',
  service: 'partnership',
  entity: 'widget',
  subject: 'widgetId',
  description: 'a widget got a name (kernel spec only)',
  schema: z.object({ id: z.string(), name: z.string() }),
});

interface Widget {
  id: string;
  name: string;
  version: number;
}

/** Names widget `id`: a new widget, the next version, or nothing when the name is the same. */
const rename =
  (id: string, name: string) =>
  (existing: Widget | undefined): Decision<Widget> => {
    if (existing?.name === name) return unchanged(existing);
    const state = { id, name, version: (existing?.version ?? 0) + 1 };
    return { ok: true, outcome: existing ? 'updated' : 'created', state, emit: emit(Named, { id, name }) };
  };

const ctx = { institution: '4165010001' };

describe('decideWrite', () => {
  it('decides items in order: a repeated key sees the earlier item’s effect', () => {
    const current = new Map([['a', { id: 'a', name: 'old', version: 3 }]]);
    const items = [rename('a', 'new'), rename('a', 'new'), rename('a', 'newer')];
    const w = decideWrite(ctx, current, ['a', 'a', 'a'], (row, n) => items[n]!(row));
    expect(w.result.map((r) => r.ok && [r.outcome, r.value.version])).toEqual([
      ['updated', 4],
      ['unchanged', 4],
      ['updated', 5],
    ]);
    expect(w.events.map((e) => [e.subject, e.sequence])).toEqual([
      ['a', 4],
      ['a', 5],
    ]);
    // One row update, of the latest state; every change in order.
    expect(w.updated).toEqual([{ id: 'a', name: 'newer', version: 5 }]);
    expect(w.created).toEqual([]);
    expect(w.changes.map((s) => s.version)).toEqual([4, 5]);
    expect(current.get('a')).toEqual({ id: 'a', name: 'newer', version: 5 });
  });

  it('created then changed in one batch is one created row, in its latest state', () => {
    const items = [rename('b', 'one'), rename('c', 'x'), rename('b', 'two')];
    const w = decideWrite(ctx, new Map<string, Widget>(), ['b', 'c', 'b'], (row, n) => items[n]!(row));
    expect(w.created).toEqual([
      { id: 'b', name: 'two', version: 2 },
      { id: 'c', name: 'x', version: 1 },
    ]);
    expect(w.updated).toEqual([]);
    expect(w.events.map((e) => [e.type, e.subject, e.sequence, e.data])).toEqual([
      [Named.type, 'b', 1, { id: 'b', name: 'one' }],
      [Named.type, 'c', 1, { id: 'c', name: 'x' }],
      [Named.type, 'b', 2, { id: 'b', name: 'two' }],
    ]);
    expect(w.events.every((e) => e.institution === ctx.institution)).toBe(true);
  });

  it('a rejected item, by its decision or by a check before deciding, leaves no row and no event', () => {
    const current = new Map([['d', { id: 'd', name: 'kept', version: 1 }]]);
    const known = new Set(['thing-1']);
    const items = [
      { thing: 'thing-2', decide: rename('d', 'changed') },
      { thing: 'thing-1', decide: () => fail('conflict', 'refused', 'no') },
      { thing: 'thing-1', decide: rename('d', 'kept') },
    ];
    const w = decideWrite(ctx, current, ['d', 'e', 'd'], (row, n) =>
      // Checked before deciding, as a service checks a reference it read in the same transaction.
      known.has(items[n]!.thing) ? items[n]!.decide(row) : fail('invalid', 'unknown_thing', 'no such thing', 'thing'),
    );
    expect(w.result).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'unknown_thing', field: 'thing' }) },
      { ok: false, error: expect.objectContaining({ code: 'refused' }) },
      { ok: true, outcome: 'unchanged', value: { id: 'd', name: 'kept', version: 1 } },
    ]);
    expect([w.events, w.created, w.updated, w.changes]).toEqual([[], [], [], []]);
    expect(current.has('e')).toBe(false);
  });

  it('puts events under the subject and sequence the caller names', () => {
    interface Child {
      parentId: string;
      id: string;
      name: string;
    }
    const w = decideWrite(
      ctx,
      new Map<string, Child>(),
      ['p#1', 'p#2'],
      (_row, n) => {
        const state = { parentId: 'p', id: String(n + 1), name: 'n' };
        return { ok: true, outcome: 'created', state, emit: emit(Named, { id: state.id, name: state.name }) };
      },
      { subject: (_key, s) => `${s.parentId}/${s.id}`, sequence: () => 1 },
    );
    expect(w.events.map((e) => [e.subject, e.sequence])).toEqual([
      ['p/1', 1],
      ['p/2', 1],
    ]);
    expect(w.created.map((c) => c.id)).toEqual(['1', '2']);
  });

  it('carries the trace and actor of the request each item came from', () => {
    const items = [rename('f', 'a'), rename('g', 'b'), rename('h', 'c')];
    const decide = (row: Widget | undefined, n: number) => items[n]!(row);
    const perItem = decideWrite(
      { institution: ctx.institution, traceparent: 'shared', actor: 'k0', traceparents: ['t0', undefined, 't2'], actors: ['k1', 'k2'] },
      new Map<string, Widget>(),
      ['f', 'g', 'h'],
      decide,
    );
    expect(perItem.events.map((e) => [e.traceparent, e.actor])).toEqual([
      ['t0', 'k1'],
      ['shared', 'k2'],
      ['t2', 'k0'],
    ]);
    const none = decideWrite(ctx, new Map<string, Widget>(), ['f'], decide);
    expect(none.events[0]).not.toHaveProperty('traceparent');
    expect(none.events[0]).not.toHaveProperty('actor');
  });

  it('is framework-free: its folder imports only contracts, domain and itself', () => {
    const sources = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    const imports = sources.flatMap((f) => [...readFileSync(join(__dirname, f), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]));
    expect(imports.filter((i) => !['@chanjiao/contracts', '@chanjiao/domain'].includes(i) && !i!.startsWith('./'))).toEqual([]);
  });
});
