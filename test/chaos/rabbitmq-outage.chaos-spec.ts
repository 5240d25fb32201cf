import { chaosScenario } from './scenario';
import { startRabbitMQ, stopRabbitMQ } from './machine';

/** RabbitMQ stopped for 30 s under load: writes go on (their events wait in the outboxes), consumers reconnect. */
chaosScenario('RabbitMQ stopped for 30 s', async ({ sleep, note, stack }) => {
  await sleep(5_000);
  stopRabbitMQ();
  try {
    await sleep(30_000);
    const [row] = await stack.query<{ n: number }>('enrollment', `SELECT count(*)::int AS n FROM outbox_pending`);
    note('enrollmentEventsWaitingInOutbox', row!.n);
  } finally {
    await startRabbitMQ();
  }
});
