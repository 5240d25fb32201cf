import { chaosScenario } from './scenario';

/** Two instances of every service at once, on the same databases and queue, the load spread over them. */
chaosScenario(
  'two instances of every service',
  async ({ sleep, stack }) => {
    expect(stack.urls('reporting')).toHaveLength(2);
    for (const s of ['enrollment', 'placement', 'partnership', 'alliance'] as const) expect(stack.urls(s)).toHaveLength(2);
    await sleep(60_000);
  },
  { instances: 2 },
);
