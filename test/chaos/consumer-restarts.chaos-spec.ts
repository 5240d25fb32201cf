import amqp from 'amqplib';
import { chaosScenario } from './scenario';

/**
 * The reporting consumer restarted 25 times in a row, each time killed just after it attached to its queue with a
 * backlog waiting, so that it holds its whole prefetch window (1,000 deliveries) unacknowledged: the quorum queue counts
 * every such delivery against its delivery limit (20), yet no healthy event may reach the DLQ.
 */
chaosScenario('a consumer restarted 25 times in a row', async ({ sleep, stack, note }) => {
  const conn = await amqp.connect(stack.amqpUrl);
  const ch = await conn.createChannel();
  const queue = () => ch.checkQueue(stack.queue);
  try {
    await sleep(3_000);
    await stack.kill('reporting');
    let windows = 0;
    for (let i = 0; i < 25; i++) {
      // A backlog of more than a window (the load adds to it while reporting is down; returned deliveries come back).
      const deadline = Date.now() + 30_000;
      while ((await queue()).messageCount < 1_500 && Date.now() < deadline) await sleep(100);
      const backlog = (await queue()).messageCount;
      const p = await stack.start('reporting', 0, { healthy: false });
      while (p.child.exitCode === null && (await queue()).consumerCount === 0) await sleep(20);
      await sleep(50); // the broker pushes the window at once; far less than a batch takes to apply and ack
      const taken = backlog - (await queue()).messageCount;
      if (taken >= 900) windows++;
      await stack.kill('reporting');
    }
    note('restartsHoldingAWindow', windows);
    expect(windows).toBeGreaterThanOrEqual(20);
  } finally {
    await conn.close().catch(() => undefined);
  }
  await stack.start('reporting');
});
