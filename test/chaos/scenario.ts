import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChaosStack, ChaosStackOptions } from './chaos-stack';
import { ChaosLoad } from './load';
import { ensureServicesUp } from './machine';
import { reconcile, Reconciliation } from './reconcile';

export interface ScenarioRun {
  stack: ChaosStack;
  load: ChaosLoad;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
  /** Notes a fact of the run for its summary line (e.g. how many 503s were answered). */
  note(key: string, value: unknown): void;
}

export interface ScenarioOptions extends ChaosStackOptions {
  /** Dead letters the scenario sends on purpose (their reasons, sorted); none by default. */
  deadLetters?: string[];
}

/** Where each scenario's summary lines go (one JSON line per run), for RELIABILITY.md. */
const RESULTS = join(__dirname, '..', '..', 'dist', 'chaos-results.jsonl');

/**
 * One chaos scenario: a stack of its own, the fault under load (`fault`, with the load running until it returns),
 * then the reconciliation: nothing lost, nothing counted twice, every figure right, no 500 answered, and the DLQ holding
 * only what the scenario sent there. PostgreSQL and RabbitMQ are left running, pass or fail.
 */
export function chaosScenario(
  name: string,
  fault: (run: ScenarioRun) => Promise<void>,
  /** Or a function, called when the scenario starts (after the file's beforeAll, e.g. once a proxy has its port). */
  scenarioOptions: ScenarioOptions | (() => ScenarioOptions) = {},
): void {
  describe(`chaos: ${name}`, () => {
    let stack: ChaosStack | undefined;
    const notes: Record<string, unknown> = {};

    afterAll(async () => {
      await ensureServicesUp();
      await stack?.close();
    }, 120_000);

    it('loses nothing, counts nothing twice, and every figure equals the recount', async () => {
      const started = Date.now();
      const options = typeof scenarioOptions === 'function' ? scenarioOptions() : scenarioOptions;
      await ensureServicesUp();
      stack = await ChaosStack.start(options);
      const load = new ChaosLoad(stack);
      const run: ScenarioRun = {
        stack,
        load,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        note: (key, value) => (notes[key] = value),
      };
      try {
        await load.during(fault(run));
      } finally {
        load.stop();
        await ensureServicesUp();
      }
      const result: Reconciliation = await reconcile(stack).catch(async (e: unknown) => {
        // What the operator would look at next: where the events that did not arrive are.
        console.log(`chaos ${name}: not reconciled; ${JSON.stringify(await stack!.whereEventsAre())}`);
        throw e;
      });
      const summary = {
        scenario: name,
        at: new Date().toISOString(),
        seconds: Math.round((Date.now() - started) / 1000),
        institutions: load.institutions.length,
        eventsWritten: result.written,
        eventsApplied: result.applied,
        figuresCompared: result.figures,
        differences: result.differences.length,
        deadLetters: result.deadLetters.length,
        answers: Object.fromEntries(load.answers),
        ...notes,
      };
      console.log(`chaos ${name}: ${JSON.stringify(summary)}`);
      mkdirSync(join(RESULTS, '..'), { recursive: true });
      appendFileSync(RESULTS, `${JSON.stringify(summary)}\n`);

      expect(load.serverErrors()).toEqual([]);
      expect(result.unpublished).toBe(0);
      expect(result.differences).toEqual([]);
      expect(result.applied).toBe(result.written);
      expect(result.deadLetters.map((d) => String(d.reason)).sort()).toEqual(options.deadLetters ?? []);
      expect(result.written).toBeGreaterThan(10_000);
    });
  });
}
