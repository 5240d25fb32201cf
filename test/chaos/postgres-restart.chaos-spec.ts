import { chaosScenario } from './scenario';
import { startPostgres, stopPostgres } from './machine';

/**
 * PostgreSQL stopped (fast: connections end, open transactions roll back) and started 10 s later under load, as a
 * restart or a failover does: writes meanwhile answer 503 with Retry-After, never 500, and the clients that retry
 * them lose and double nothing.
 */
chaosScenario('PostgreSQL restarted', async ({ sleep, note, load }) => {
  await sleep(8_000);
  stopPostgres();
  try {
    await sleep(10_000);
  } finally {
    await startPostgres();
  }
  await sleep(10_000);
  note('answered503', load.answers.get('503') ?? 0);
  expect(load.answers.get('503') ?? 0).toBeGreaterThan(0);
});
