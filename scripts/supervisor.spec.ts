import { expectEventually } from '@chanjiao/testing';
import { freePort } from '@chanjiao/test-support';
import { ServiceProcess, spawnService } from './service-process';
import { afterFailure, RestartPolicy, restartPolicy, Supervisor } from './supervisor';

const policy = (over: Partial<RestartPolicy> = {}): RestartPolicy => ({ ...restartPolicy({}), ...over });

describe('restartPolicy', () => {
  it('defaults to 1 s doubling to 30 s, giving up after 10 failures in a row, a minute healthy starting over', () => {
    expect(restartPolicy({})).toEqual({
      START_RESTART_DELAY_MS: 1_000,
      START_RESTART_MAX_DELAY_MS: 30_000,
      START_MAX_FAILURES: 10,
      START_STABLE_MS: 60_000,
      START_HEALTH_TIMEOUT_MS: 90_000,
    });
    expect(restartPolicy({ START_MAX_FAILURES: '3', START_RESTART_DELAY_MS: '50' })).toMatchObject({
      START_MAX_FAILURES: 3,
      START_RESTART_DELAY_MS: 50,
    });
  });

  it.each([
    [{ START_MAX_FAILURES: 'x' }, 'START_MAX_FAILURES'],
    [{ START_RESTART_DELAY_MS: '-1' }, 'START_RESTART_DELAY_MS'],
    [{ START_HEALTH_TIMEOUT_MS: '0' }, 'START_HEALTH_TIMEOUT_MS'],
    [{ START_STABLE_MS: '1.5' }, 'START_STABLE_MS'],
  ])('refuses %p naming the variable', (env, variable) => {
    expect(() => restartPolicy(env)).toThrow(new RegExp(`${variable}:`));
  });
});

describe('afterFailure', () => {
  it('doubles the delay with each failure in a row up to the cap, then gives up at the limit', () => {
    const p = policy({ START_MAX_FAILURES: 8 });
    const steps = [];
    let failures = 0;
    for (let i = 0; i < 8; i++) {
      const next = afterFailure(p, failures, undefined);
      steps.push(next.giveUp ? 'give up' : next.delayMs);
      failures = next.failures;
    }
    expect(steps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 'give up']);
  });

  it('counts a run healthy for less than START_STABLE_MS as a failure, and starts over after a longer one', () => {
    const p = policy({ START_MAX_FAILURES: 3 });
    expect(afterFailure(p, 1, 59_999)).toEqual({ failures: 2, giveUp: false, delayMs: 2_000 });
    expect(afterFailure(p, 2, 59_999)).toEqual({ failures: 3, giveUp: true });
    expect(afterFailure(p, 2, 60_000)).toEqual({ failures: 1, giveUp: false, delayMs: 1_000 });
  });

  it('never gives up when START_MAX_FAILURES is 0', () => {
    expect(afterFailure(policy({ START_MAX_FAILURES: 0 }), 1_000, undefined)).toEqual({ failures: 1_001, giveUp: false, delayMs: 30_000 });
  });
});

/**
 * The supervisor with small real processes in place of the services: `MODE` makes one healthy, answer 503, exit at
 * once, or hang without listening.
 */
describe('Supervisor', () => {
  const SERVICE = `
    const mode = process.env.MODE;
    if (mode === 'exit') process.exit(3);
    if (mode === 'hang') setInterval(() => {}, 1000);
    else require('node:http').createServer((req, res) => { res.statusCode = mode === 'unhealthy' ? 503 : 200; res.end(); })
      .listen(Number(process.env.PORT), '127.0.0.1');`;
  const supervisors: Supervisor[] = [];

  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.stop(1_000)));
  });

  /** A supervised process whose mode for each run (0 the first) is `modes(run)`; its lines and processes are kept. */
  async function supervise(modes: (run: number) => string, over: Partial<RestartPolicy>) {
    const port = await freePort();
    const lines: string[] = [];
    const spawned: ServiceProcess[] = [];
    const s = new Supervisor(
      'svc',
      (run) => {
        const p = spawnService('svc', [process.execPath, '-e', SERVICE], { PORT: String(port), MODE: modes(run) }, port);
        spawned.push(p);
        return p;
      },
      policy({ START_RESTART_DELAY_MS: 10, ...over }),
      (line) => lines.push(line),
    );
    supervisors.push(s);
    return { s, lines, spawned };
  }

  it('restarts a process killed under it and says so; stopped on request, it is stopped cleanly', async () => {
    const { s, lines, spawned } = await supervise(() => 'healthy', {});
    expect(await s.firstSettled).toBe('healthy');
    spawned[0]!.child.kill('SIGKILL');
    await expectEventually(() => expect(lines.some((l) => l.startsWith('svc is healthy again'))).toBe(true));

    expect(lines[1]).toBe('svc exited by itself (SIGKILL); restarting in 10 ms (restart 1, failure 1 in a row; gives up at 10)');
    expect(lines[2]).toMatch(/^svc \(pid \d+\) on http:\/\/127\.0\.0\.1:\d+ \(restart 1\)$/);
    expect(await s.stop()).toEqual({ kind: 'stopped', exit: { code: null, signal: 'SIGTERM' } });
    expect(spawned.map((p) => p.child.signalCode)).toEqual(['SIGKILL', 'SIGTERM']);
  });

  it('gives up on a process that exits at every start, after START_MAX_FAILURES in a row, with doubling delays', async () => {
    const { s, lines, spawned } = await supervise(() => 'exit', { START_MAX_FAILURES: 3 });
    expect(await s.done).toEqual({ kind: 'given-up', reason: '3 failures in a row, the last: exited by itself (code 3)' });
    expect(await s.firstSettled).toBe('given-up');
    expect(spawned).toHaveLength(3);
    expect(lines.filter((l) => l.includes('restarting'))).toEqual([
      'svc exited by itself (code 3); restarting in 10 ms (restart 1, failure 1 in a row; gives up at 3)',
      'svc exited by itself (code 3); restarting in 20 ms (restart 2, failure 2 in a row; gives up at 3)',
    ]);
    expect(lines.at(-1)).toMatch(/^giving up on svc after 3 failures in a row, the last: exited by itself \(code 3\)\. /);
  });

  it('gives up on a process killed each time it comes up, unless it stayed up START_STABLE_MS', async () => {
    const killEachRun = async (stableMs: number, runs: number) => {
      const { s, lines, spawned } = await supervise(() => 'healthy', { START_MAX_FAILURES: 3, START_STABLE_MS: stableMs });
      for (let run = 0; run < runs; run++) {
        if (run === 0) await s.firstSettled;
        else await expectEventually(() => expect(lines.filter((l) => l.startsWith('svc is healthy again'))).toHaveLength(run));
        spawned[run]!.child.kill('SIGKILL');
      }
      return { s, lines };
    };

    const unstable = await killEachRun(60_000, 3);
    expect((await unstable.s.done).kind).toBe('given-up');
    const stable = await killEachRun(0, 4);
    await expectEventually(() => expect(stable.lines.filter((l) => l.startsWith('svc is healthy again'))).toHaveLength(4));
    expect(stable.lines.filter((l) => l.includes('restarting')).every((l) => l.includes('failure 1 in a row'))).toBe(true);
  });

  it('stops and counts as a failure a process not healthy within START_HEALTH_TIMEOUT_MS', async () => {
    const { s, lines, spawned } = await supervise(() => 'unhealthy', { START_MAX_FAILURES: 2, START_HEALTH_TIMEOUT_MS: 300 });
    expect(await s.done).toEqual({ kind: 'given-up', reason: '2 failures in a row, the last: was not healthy after 300 ms' });
    expect(lines).toContain('svc is not healthy after 300 ms: stopping it');
    expect(lines).toContain('svc was not healthy after 300 ms; restarting in 10 ms (restart 1, failure 1 in a row; gives up at 2)');
    expect(spawned.map((p) => p.child.signalCode)).toEqual(['SIGTERM', 'SIGTERM']);
  });

  it('stopped during a backoff, restarts nothing', async () => {
    const { s, lines, spawned } = await supervise(() => 'exit', { START_RESTART_DELAY_MS: 600_000, START_RESTART_MAX_DELAY_MS: 600_000 });
    await expectEventually(() => expect(lines.at(-1)).toMatch(/restarting in 600 s/));
    expect(await s.stop()).toEqual({ kind: 'stopped' });
    expect(spawned).toHaveLength(1);
    expect(s.current).toBeUndefined();
  });

  it('killed during a backoff (a second Ctrl-C), restarts nothing either', async () => {
    const { s, lines, spawned } = await supervise(() => 'exit', { START_RESTART_DELAY_MS: 600_000, START_RESTART_MAX_DELAY_MS: 600_000 });
    await expectEventually(() => expect(lines.at(-1)).toMatch(/restarting in 600 s/));
    s.kill();
    expect(await s.done).toEqual({ kind: 'stopped' });
    expect(spawned).toHaveLength(1);
  });

  it('stopped while a restarted process is starting, stops it and is not said to have failed', async () => {
    const { s, lines, spawned } = await supervise((run) => (run === 0 ? 'exit' : 'hang'), {});
    await expectEventually(() => expect(spawned).toHaveLength(2));
    expect(await s.stop()).toEqual({ kind: 'stopped', exit: { code: null, signal: 'SIGTERM' } });
    expect(await s.firstSettled).toBe('stopped');
    expect(lines.filter((l) => l.includes('restarting'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('not healthy'))).toBe(false);
  });
});
