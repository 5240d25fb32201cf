import { chaosScenario } from './scenario';

/** Reporting SIGKILLed five times while it applies batches under load, started again each time (as a supervisor does). */
chaosScenario('reporting SIGKILLed 5 times mid-batch', async ({ sleep, stack }) => {
  for (let i = 0; i < 5; i++) {
    await sleep(3_000 + i * 1_000);
    await stack.kill('reporting');
    await stack.start('reporting');
  }
});
