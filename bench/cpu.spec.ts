import { CpuSnapshot, measurePageFaultCost, pageFaultsPer } from './cpu';

const snapshot = (rows: Array<[pid: number, group: string, faults: number]>): CpuSnapshot =>
  new Map(rows.map(([pid, group, faults]) => [pid, { group, ticks: 0, faults }]));

describe('page faults per operation', () => {
  it('sums each group over its processes, counts a process that started meanwhile from zero, and rounds to one decimal', () => {
    const before = snapshot([
      [1, 'postgresql', 100],
      [2, 'postgresql', 50],
      [3, 'reporting', 10],
    ]);
    const after = snapshot([
      [1, 'postgresql', 130],
      [2, 'postgresql', 70],
      [3, 'reporting', 10],
      [4, 'postgresql', 5],
      [5, 'rabbitmq', 33],
    ]);
    expect(pageFaultsPer(before, after, 10)).toEqual({ postgresql: 5.5, rabbitmq: 3.3, total: 8.8 });
  });

  it('measures the cost of a fault from faults this process really took', () => {
    // Four 64 MB blocks (a busy CI run once saw none of one block's faults): 16,384 pages of 4 KB each, each touched
    // once; at least 32 even where 2 MB huge pages back them all.
    const { faults, microsPerFault } = measurePageFaultCost(4);
    expect(faults).toBeGreaterThanOrEqual(32);
    expect(microsPerFault).toBeGreaterThan(0);
  });
});
