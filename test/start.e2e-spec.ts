import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ApiKeyStore } from '@chanjiao/auth';
import { DEFAULT_PORTS } from '@chanjiao/config';
import { databaseName } from '@chanjiao/persistence';
import { deleteBrokerObjects, expectEventually, httpClient, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import {
  ensureBuild,
  FIRST_ENROLLMENT,
  freePort,
  PETROCHEMICAL_PROGRAM,
  removeStackIdentities,
  ServiceProcess,
  spawnService,
  stopProcess,
  testStackEnv,
} from '@chanjiao/test-support';
import { stackPlan } from '../scripts/stack-plan';

type App = keyof typeof DEFAULT_PORTS;
const APPS = Object.keys(DEFAULT_PORTS) as App[];

/**
 * `npm start` (dist/scripts/start.js), as a newcomer without Docker runs it: it migrates, starts the five services,
 * says when they are ready, stops them all on SIGTERM and exits 0; a service that dies under it is restarted alone
 * while the others serve on, and one that keeps failing is given up on (exit 1 once stopped). Each service runs as a
 * PostgreSQL role and a RabbitMQ user of its own, which npm start made with passwords it keeps. Its databases (and so
 * its roles and users), ports, exchange, queue and secrets folder are the test's own (`<SERVICE>_DATABASE_URL`,
 * `<SERVICE>_PORT`, `EVENTS_EXCHANGE`, `CONSUMER_QUEUE`, `CHANJIAO_SECRETS_DIR`), so a dev stack on this machine is
 * not touched, and all of it is removed at the end; short backoffs (`START_*`) keep it quick.
 */
describe('npm start', () => {
  const { postgresUrl, amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.start.${suffix}`;
  const queue = `reporting.start.${suffix}`;
  const secrets = mkdtempSync(join(tmpdir(), 'start-secrets-'));
  const env: Record<string, string> = testStackEnv('start', suffix, { postgresUrl, amqpUrl });
  const ports = {} as Record<App, number>;
  const authUrl = env.AUTH_DATABASE_URL!;
  const starts: ServiceProcess[] = [];

  beforeAll(async () => {
    ensureBuild();
    for (const app of APPS) {
      ports[app] = await freePort();
      env[`${app.toUpperCase()}_PORT`] = String(ports[app]);
    }
    Object.assign(env, {
      EVENTS_EXCHANGE: exchange,
      CONSUMER_QUEUE: queue,
      AGREEMENT_EXPIRY_INTERVAL_MS: '0',
      CHANJIAO_SECRETS_DIR: secrets,
    });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(starts.map((p) => stopProcess(p, 5_000)));
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    await removeStackIdentities(env);
    rmSync(secrets, { recursive: true, force: true });
  }, 120_000);

  /** `npm start` with the test's env (and `extra`); the URL is enrollment's. */
  function npmStart(extra: Record<string, string> = {}): ServiceProcess {
    const p = spawnService('npm start', [process.execPath, 'dist/scripts/start.js'], Object.assign({}, env, extra), ports.enrollment);
    starts.push(p);
    return p;
  }

  const ready = (p: ServiceProcess) =>
    expectEventually(() => expect(p.lines.find((l) => l.startsWith('[start] ready:'))).toBeDefined(), { timeoutMs: 120_000 });

  /** The services' process ids, from the line `npm start` prints for each. */
  const servicePids = (p: ServiceProcess): Record<string, number> => {
    const pids: Record<string, number> = {};
    for (const line of p.lines) {
      const m = /^\[start\] (\w+) \(pid (\d+)\)/.exec(line);
      if (m) pids[m[1]!] = Number(m[2]);
    }
    return pids;
  };

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  /** The environment a process was started with (Linux: /proc/<pid>/environ). */
  const serviceEnv = (pid: number): Record<string, string> =>
    Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter((e) => e.includes('='))
        .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
  const userOf = (url: string | undefined) => (url ? decodeURIComponent(new URL(url.split(',')[0]!).username) : undefined);

  /** GET /health of one service: its status, 0 when nothing answers. */
  const health = (app: App) =>
    fetch(`http://127.0.0.1:${ports[app]}/health`).then(
      (res) => res.status,
      () => 0,
    );

  /** Clients of enrollment (writer) and reporting (reader) for `institution`, with keys of their own. */
  async function clients(institution: string) {
    const keys = new ApiKeyStore(authUrl);
    try {
      const writer = (await keys.create({ role: 'writer', services: ['enrollment'], institution })).key;
      const reader = (await keys.create({ role: 'reader', services: ['reporting'], institution })).key;
      return {
        enrollment: httpClient(`http://127.0.0.1:${ports.enrollment}`, writer),
        reporting: httpClient(`http://127.0.0.1:${ports.reporting}`, reader),
      };
    } finally {
      await keys.close();
    }
  }

  it('runs the five services until SIGTERM, a write reaching the report, and then stops them all and exits 0', async () => {
    const start = npmStart();
    await ready(start);
    const pids = servicePids(start);
    expect(Object.keys(pids).sort()).toEqual([...APPS].sort());
    for (const app of APPS) expect(await health(app)).toBe(200);

    const { enrollment, reporting } = await clients(`S${suffix.toUpperCase()}`);
    expect((await enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM)).status).toBe(201);
    expect((await enrollment.post('/enrollments', FIRST_ENROLLMENT)).status).toBe(201);
    await expectEventually(async () => expect((await reporting.get('/reports/overview?year=2022')).body.intake?.total).toBe(1));

    // Each service was given its own role and broker user, and no one else's credentials.
    const plan = stackPlan(env);
    for (const app of APPS) {
      const given = serviceEnv(pids[app]!);
      const role = plan.apps[app].role;
      expect({ app, database: userOf(given.DATABASE_URL), keys: userOf(given.AUTH_DATABASE_URL), broker: userOf(given.AMQP_URL) }).toEqual({
        app,
        database: role,
        keys: plan.auth.verifier,
        broker: role,
      });
      expect(Object.keys(given).filter((name) => /PASSWORD|_URL_FILE|SECRETS/.test(name))).toEqual([]);
    }
    // …and connected as them: PostgreSQL sees each service's role in its database, the verifier in the keys database,
    const admin = new Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      const users = async (url: string) =>
        (
          await admin.query<{ usename: string }>('SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1 ORDER BY 1', [
            databaseName(url),
          ])
        ).rows.map((r) => r.usename);
      for (const app of APPS)
        expect({ app, users: await users(plan.apps[app].databaseUrl) }).toEqual({ app, users: [plan.apps[app].role] });
      expect(await users(plan.authDatabaseUrl)).toEqual([plan.auth.verifier]);
    } finally {
      await admin.end();
    }
    // …and RabbitMQ each service's user.
    const brokerUsers = execFileSync('rabbitmqctl', ['--quiet', 'list_connections', 'user', '--no-table-headers'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim());
    for (const app of APPS) expect({ app, connected: brokerUsers.includes(plan.apps[app].role) }).toEqual({ app, connected: true });
    // The passwords it made are kept (600), and none was printed.
    const kept = readdirSync(secrets).map((f) => readFileSync(join(secrets, f), 'utf8'));
    expect(kept).toHaveLength(13); // a database and a broker password per service, the keys database's two, the BI role's
    for (const password of kept) expect(start.lines.filter((l) => l.includes(password))).toEqual([]);

    start.child.kill('SIGTERM');
    expect(await start.exited).toEqual({ code: 0, signal: null });
    for (const [app, pid] of Object.entries(pids)) expect({ app, alive: alive(pid) }).toEqual({ app, alive: false });
  }, 240_000);

  it('restarts a service killed under it, alone: the others keep their processes and answer throughout, and a write made meanwhile reaches the report', async () => {
    const start = npmStart({ START_RESTART_DELAY_MS: '2000' });
    await ready(start);
    const before = servicePids(start);
    const others = APPS.filter((app) => app !== 'reporting');
    const { enrollment, reporting } = await clients(`R${suffix.toUpperCase()}`);
    expect((await enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM)).status).toBe(201);

    // The others' /health, again and again, from before the kill until reporting answers again.
    const answers: Array<{ app: App; status: number }> = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const app of others) answers.push({ app, status: await health(app) });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      process.kill(before.reporting!, 'SIGKILL');
      await expectEventually(() =>
        expect(start.lines).toContain(
          '[start] reporting exited by itself (SIGKILL); restarting in 2 s (restart 1, failure 1 in a row; gives up at 10)',
        ),
      );
      // Enrollment takes writes while reporting waits for its restart; they reach the report once it is back.
      expect((await enrollment.post('/enrollments', FIRST_ENROLLMENT)).status).toBe(201);
      await expectEventually(() => expect(start.lines.some((l) => l.startsWith('[start] reporting is healthy again (pid '))).toBe(true), {
        timeoutMs: 120_000,
      });
    } finally {
      watching = false;
      await watch;
    }

    const after = servicePids(start);
    expect(after.reporting).not.toBe(before.reporting);
    expect(alive(after.reporting!)).toBe(true);
    for (const app of others) expect({ app, pid: after[app], alive: alive(before[app]!) }).toEqual({ app, pid: before[app], alive: true });
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(new Set(answers.map((a) => a.app))).toEqual(new Set(others));
    expect(await health('reporting')).toBe(200);
    await expectEventually(async () => expect((await reporting.get('/reports/overview?year=2022')).body.intake?.total).toBe(1));

    start.child.kill('SIGTERM');
    expect(await start.exited).toEqual({ code: 0, signal: null });
    for (const [app, pid] of Object.entries({ ...after, killed: before.reporting! }))
      expect({ app, alive: alive(pid) }).toEqual({ app, alive: false });
  }, 240_000);

  it('gives up on a service that exits at every start, saying so, serves the others on, and exits 1 once stopped', async () => {
    const start = npmStart({ AGREEMENT_EXPIRY_INTERVAL_MS: '-1', START_RESTART_DELAY_MS: '100', START_MAX_FAILURES: '3' });
    await expectEventually(
      () => expect(start.lines.find((l) => l.startsWith('[start] ready without partnership (given up): '))).toBeDefined(),
      {
        timeoutMs: 120_000,
      },
    );
    // Only partnership is blamed, each time, and the cause is in its own lines.
    expect(start.lines.filter((l) => / exited by itself .*; restarting/.test(l))).toEqual([
      '[start] partnership exited by itself (code 1); restarting in 100 ms (restart 1, failure 1 in a row; gives up at 3)',
      '[start] partnership exited by itself (code 1); restarting in 200 ms (restart 2, failure 2 in a row; gives up at 3)',
    ]);
    expect(start.lines.filter((l) => l.startsWith('[start] giving up'))).toEqual([
      '[start] giving up on partnership after 3 failures in a row, the last: exited by itself (code 1). The other services go on ' +
        'serving; the [partnership] lines above say why it failed: fix that, then restart npm start (START_MAX_FAILURES sets the limit).',
    ]);
    expect(start.lines.some((l) => l.startsWith('[partnership]') && l.includes('AGREEMENT_EXPIRY_INTERVAL_MS'))).toBe(true);
    const pids = servicePids(start);
    expect(alive(pids.partnership!)).toBe(false);
    for (const app of APPS.filter((a) => a !== 'partnership')) expect({ app, status: await health(app) }).toEqual({ app, status: 200 });
    expect(await health('partnership')).toBe(0);

    start.child.kill('SIGTERM');
    expect(await start.exited).toEqual({ code: 1, signal: null });
    expect(start.lines).toContain('[start] exiting 1: gave up on partnership');
    for (const pid of Object.values(pids)) expect(alive(pid)).toBe(false);
  }, 240_000);

  it('stops everything on Ctrl-C while a service waits out its backoff, and restarts nothing', async () => {
    // A backoff longer than the test: waiting it out would time the test out.
    const start = npmStart({ START_RESTART_DELAY_MS: '600000', START_RESTART_MAX_DELAY_MS: '600000' });
    await ready(start);
    const pids = servicePids(start);
    process.kill(pids.reporting!, 'SIGKILL');
    await expectEventually(() =>
      expect(start.lines).toContain(
        '[start] reporting exited by itself (SIGKILL); restarting in 600 s (restart 1, failure 1 in a row; gives up at 10)',
      ),
    );

    start.child.kill('SIGINT');
    expect(await start.exited).toEqual({ code: 0, signal: null });
    expect(start.lines.filter((l) => l.startsWith('[start] reporting (pid '))).toHaveLength(1);
    for (const [app, pid] of Object.entries(pids)) expect({ app, alive: alive(pid) }).toEqual({ app, alive: false });
  }, 240_000);

  it('refuses a port another process holds before it starts anything', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(ports.alliance, '127.0.0.1', resolve));
    try {
      const start = npmStart();
      expect(await start.exited).toEqual({ code: 1, signal: null });
      expect(start.lines).toContain(`port ${ports.alliance} (ALLIANCE_PORT) is in use: stop what holds it, or set ALLIANCE_PORT`);
      expect(start.lines.some((l) => l.includes('(pid '))).toBe(false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('answers --help with its usage and starts nothing', async () => {
    const help = spawnService('npm start --help', [process.execPath, 'dist/scripts/start.js', '--help'], env, ports.enrollment);
    starts.push(help);
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.lines[0]).toBe('usage: npm start');
    expect(help.lines.some((l) => l.startsWith('[migrate]') || l.includes('(pid '))).toBe(false);
  });

  it.each([
    [{ PLACEMENT_PORT: '80a' }, 'PLACEMENT_PORT must be a port number (1–65535), got "80a"'],
    [{ START_MAX_FAILURES: 'many' }, '  START_MAX_FAILURES: Invalid input: expected number, received NaN'],
  ])('refuses an invalid setting (%p) before it starts anything, naming the variable', async (extra, message) => {
    const start = npmStart(extra);
    expect(await start.exited).toEqual({ code: 1, signal: null });
    expect(start.lines).toContain(message);
    expect(start.lines.some((l) => l.startsWith('[migrate]') || l.includes('(pid '))).toBe(false);
  });
});
