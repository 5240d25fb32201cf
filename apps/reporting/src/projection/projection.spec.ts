import { CounterMetric } from './counter-metric';
import { cellKey, Fact } from './projection';

/** Any two metrics: the cell key does not depend on which. */
const [m, n] = [CounterMetric.Intake, CounterMetric.Withdrawals];

describe('cellKey', () => {
  it('is the same whatever the order of the dims', () => {
    expect(cellKey({ metric: m, dims: { a: 1, b: 'x' } })).toBe(cellKey({ metric: m, dims: { b: 'x', a: 1 } }));
  });

  it('tells apart what must count in different cells', () => {
    const cells: Array<Pick<Fact, 'metric' | 'dims' | 'day'>> = [
      { metric: m, dims: { a: 1 } },
      { metric: m, dims: { a: '1' } },
      { metric: m, dims: { a: null } },
      { metric: m, dims: { a: 'null' } },
      { metric: m, dims: { a: true } },
      { metric: m, dims: { b: 1 } },
      { metric: m, dims: {} },
      { metric: n, dims: { a: 1 } },
      { metric: m, dims: { a: 1 }, day: '2022-09-01' },
      { metric: m, dims: { a: 1 }, day: '2022-09-02' },
    ];
    const keys = cells.map(cellKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
