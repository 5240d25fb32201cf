import type { WriteContext } from './decide';
import { WriteCoalescer } from './write-coalescer';

/** A batch method that records its calls and answers each item after `release()`. */
function recorder(fail?: (items: string[]) => boolean) {
  const calls: Array<{ ctx: WriteContext; items: string[] }> = [];
  const gates: Array<() => void> = [];
  const run = (ctx: WriteContext, items: string[]) => {
    calls.push({ ctx, items });
    return new Promise<string[]>((resolve, reject) => {
      gates.push(() => (fail?.(items) ? reject(new Error(`batch ${items.join(',')} failed`)) : resolve(items.map((i) => `${i}!`))));
    });
  };
  const release = async () => {
    for (const g of gates.splice(0)) g();
    await new Promise((r) => setImmediate(r));
  };
  return { calls, run, release };
}

describe('WriteCoalescer', () => {
  it('runs a lone write at once, alone', async () => {
    const r = recorder();
    const c = new WriteCoalescer(r.run);
    const p = c.submit({ institution: 'A', traceparent: 't1' }, 'x');
    expect(r.calls).toEqual([{ ctx: { institution: 'A', traceparents: ['t1'], actors: [undefined] }, items: ['x'] }]);
    await r.release();
    await expect(p).resolves.toBe('x!');
  });

  it('merges writes that arrive while batches are in flight, in arrival order, each answered with its own result', async () => {
    const r = recorder();
    const c = new WriteCoalescer(r.run, { maxInFlight: 2 });
    const first = ['a', 'b'].map((i) => c.submit({ institution: 'A', traceparent: `t-${i}`, actor: `k-${i}` }, i));
    const waiting = ['c', 'd', 'e'].map((i) => c.submit({ institution: 'A', traceparent: `t-${i}`, actor: `k-${i}` }, i));
    expect(r.calls.map((x) => x.items)).toEqual([['a'], ['b']]);
    await r.release();
    expect(r.calls.map((x) => x.items)).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    expect(r.calls[2]!.ctx.traceparents).toEqual(['t-c', 't-d', 't-e']);
    // Each item keeps the key of the request it came from: its event's actor.
    expect(r.calls[2]!.ctx.actors).toEqual(['k-c', 'k-d', 'k-e']);
    await r.release();
    await expect(Promise.all([...first, ...waiting])).resolves.toEqual(['a!', 'b!', 'c!', 'd!', 'e!']);
  });

  it('never merges institutions, and caps a batch at maxBatch', async () => {
    const r = recorder();
    const c = new WriteCoalescer(r.run, { maxInFlight: 1, maxBatch: 2 });
    const all = [
      c.submit({ institution: 'A' }, 'a1'),
      c.submit({ institution: 'B' }, 'b1'),
      c.submit({ institution: 'A' }, 'a2'),
      c.submit({ institution: 'A' }, 'a3'),
      c.submit({ institution: 'A' }, 'a4'),
      c.submit({ institution: 'B' }, 'b2'),
    ];
    await r.release();
    await r.release();
    await r.release();
    expect(r.calls.map((x) => `${x.ctx.institution}:${x.items.join(',')}`)).toEqual(['A:a1', 'B:b1', 'A:a2,a3', 'B:b2', 'A:a4']);
    await expect(Promise.all(all)).resolves.toEqual(['a1!', 'b1!', 'a2!', 'a3!', 'a4!', 'b2!']);
  });

  it("runs each item of a failed batch again alone: one request's failure is never another's", async () => {
    const r = recorder((items) => items.includes('bad'));
    const c = new WriteCoalescer(r.run, { maxInFlight: 1 });
    const lone = c.submit({ institution: 'A' }, 'first');
    const merged = Promise.allSettled(['ok1', 'bad', 'ok2'].map((i) => c.submit({ institution: 'A', traceparent: `t-${i}` }, i)));
    await r.release(); // 'first'
    await r.release(); // the merged batch fails
    for (let i = 0; i < 3; i++) await r.release(); // then one by one
    await expect(lone).resolves.toBe('first!');
    const settled = await merged;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(r.calls.slice(2).map((x) => [x.items, x.ctx.traceparent])).toEqual([
      [['ok1'], 't-ok1'],
      [['bad'], 't-bad'],
      [['ok2'], 't-ok2'],
    ]);
  });
});
