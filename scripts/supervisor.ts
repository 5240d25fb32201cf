import { z } from 'zod';
import { loadEnv } from '@chanjiao/config';
import { ServiceProcess, stopProcess, waitHealthy } from './service-process';

const wholeMs = z.coerce.number().int();

/** How `npm start` restarts a service that exits by itself (README, environment). Invalid values are refused at start. */
const restartPolicySchema = z.object({
  /** The delay before the first restart of a run of failures; it doubles with each further failure in a row. */
  START_RESTART_DELAY_MS: wholeMs.min(0).default(1_000),
  /** The longest delay between two restarts. */
  START_RESTART_MAX_DELAY_MS: wholeMs.min(0).default(30_000),
  /**
   * Failed runs in a row after which `npm start` gives up on the service (0: never). The default's backoff (about
   * 2.5 minutes in all) outlasts a database failover.
   */
  START_MAX_FAILURES: wholeMs.min(0).default(10),
  /** A run that stayed healthy this long was not a failure: the count and the backoff start over. */
  START_STABLE_MS: wholeMs.min(0).default(60_000),
  /** A service not answering /health this long after it was spawned is stopped, and that run is a failure. */
  START_HEALTH_TIMEOUT_MS: wholeMs.min(1).default(90_000),
});

export type RestartPolicy = z.infer<typeof restartPolicySchema>;

export function restartPolicy(env: NodeJS.ProcessEnv = process.env): RestartPolicy {
  return loadEnv(restartPolicySchema, env);
}

/** What follows the end of a run the supervisor did not ask for. */
export type AfterFailure = { failures: number } & ({ giveUp: true } | { giveUp: false; delayMs: number });

/**
 * `failures` is the count of failed runs in a row before this one; `healthyForMs` how long this one answered /health
 * (undefined: never). A run healthy for `START_STABLE_MS` starts the count over, as Kubernetes resets its crash-loop
 * backoff after a quiet spell: one crash a day is restarted at once, however many days it runs.
 */
export function afterFailure(policy: RestartPolicy, failures: number, healthyForMs: number | undefined): AfterFailure {
  const inARow = (healthyForMs !== undefined && healthyForMs >= policy.START_STABLE_MS ? 0 : failures) + 1;
  if (policy.START_MAX_FAILURES > 0 && inARow >= policy.START_MAX_FAILURES) return { failures: inARow, giveUp: true };
  const delayMs = Math.min(policy.START_RESTART_DELAY_MS * 2 ** (inARow - 1), policy.START_RESTART_MAX_DELAY_MS);
  return { failures: inARow, giveUp: false, delayMs };
}

/** How a supervised service ended: stopped on request (with its process's exit, if one was running), or given up on. */
export type Outcome =
  { kind: 'stopped'; exit?: { code: number | null; signal: NodeJS.Signals | null } } | { kind: 'given-up'; reason: string };

const duration = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`);

/**
 * Runs one service, from the moment it is constructed, and restarts it alone when it exits by itself (a crash, SIGKILL, the OOM killer) or does not
 * become healthy in time, with the backoff of `afterFailure`, until it is stopped or given up on. Only an exit
 * restarts it: a service that answers /health with 503 (its database away) is waiting for it, not broken.
 */
export class Supervisor {
  /** The process now running, if any (none while waiting out a backoff, or after the end). */
  current: ServiceProcess | undefined;
  /** Ends when the service is stopped on request or given up on. */
  readonly done: Promise<Outcome>;
  /** Resolves the first time the service answers /health, or when it is given up on or stopped before that. */
  readonly firstSettled: Promise<'healthy' | 'given-up' | 'stopped'>;

  private stopping = false;
  private endBackoff: (() => void) | undefined;
  private settleFirst!: (how: 'healthy' | 'given-up' | 'stopped') => void;

  constructor(
    readonly name: string,
    private readonly spawn: (restart: number) => ServiceProcess,
    private readonly policy: RestartPolicy,
    private readonly say: (line: string) => void,
  ) {
    this.firstSettled = new Promise((resolve) => (this.settleFirst = resolve));
    this.done = this.run().then((outcome) => {
      this.current = undefined;
      this.settleFirst(outcome.kind === 'given-up' ? 'given-up' : 'stopped');
      return outcome;
    });
  }

  /** Stops the service gracefully (SIGTERM, then SIGKILL after `graceMs`); one waiting for its restart is not restarted. */
  stop(graceMs?: number): Promise<Outcome> {
    this.stopping = true;
    this.endBackoff?.();
    if (this.current) void stopProcess(this.current, graceMs);
    return this.done;
  }

  /** SIGKILL, for a second Ctrl-C: nothing is restarted after it either. */
  kill(): void {
    this.stopping = true;
    this.endBackoff?.();
    this.current?.child.kill('SIGKILL');
  }

  private async run(): Promise<Outcome> {
    let failures = 0;
    let wasHealthy = false;
    for (let restart = 0; ; restart++) {
      // Nothing awaits between this check and the spawn: a stop asked for during the backoff starts nothing.
      if (this.stopping) return { kind: 'stopped' };
      const p = (this.current = this.spawn(restart));
      this.say(`${this.name} (pid ${p.child.pid}) on ${p.url} ${restart === 0 ? '(OpenAPI at /docs)' : `(restart ${restart})`}`);

      let healthySince: number | undefined;
      let unhealthy = false;
      try {
        await waitHealthy(p, this.policy.START_HEALTH_TIMEOUT_MS);
        healthySince = Date.now();
        this.settleFirst('healthy');
        if (restart > 0 && !this.stopping) this.say(`${this.name} is healthy${wasHealthy ? ' again' : ''} (pid ${p.child.pid})`);
        wasHealthy = true;
      } catch {
        // It exited (its output, printed as it came, says why), or it is running but not healthy in time.
        if (p.child.exitCode === null && p.child.signalCode === null && !this.stopping) {
          unhealthy = true;
          this.say(`${this.name} is not healthy after ${duration(this.policy.START_HEALTH_TIMEOUT_MS)}: stopping it`);
          await stopProcess(p, 10_000);
        }
      }
      const exit = await p.exited;
      this.current = undefined;
      // Stopped on request (or killed by a second Ctrl-C): not a failure, and not restarted.
      if (this.stopping) return { kind: 'stopped', exit };

      const what = unhealthy
        ? `was not healthy after ${duration(this.policy.START_HEALTH_TIMEOUT_MS)}`
        : `exited by itself (${exit.signal ?? `code ${exit.code}`})`;
      const next = afterFailure(this.policy, failures, healthySince === undefined ? undefined : Date.now() - healthySince);
      failures = next.failures;
      if (next.giveUp) {
        const reason = `${failures} failures in a row, the last: ${what}`;
        this.say(
          `giving up on ${this.name} after ${reason}. The other services go on serving; the [${this.name}] lines above ` +
            `say why it failed: fix that, then restart npm start (START_MAX_FAILURES sets the limit).`,
        );
        return { kind: 'given-up', reason };
      }
      const limit = this.policy.START_MAX_FAILURES > 0 ? `; gives up at ${this.policy.START_MAX_FAILURES}` : '';
      this.say(
        `${this.name} ${what}; restarting in ${duration(next.delayMs)} (restart ${restart + 1}, failure ${failures} in a row${limit})`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, next.delayMs);
        this.endBackoff = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.endBackoff = undefined;
    }
  }
}
