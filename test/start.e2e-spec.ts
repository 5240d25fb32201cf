import { createServer } from 'node:net';
import { ApiKeyStore } from '@chanjiao/auth';
import { DEFAULT_PORTS } from '@chanjiao/persistence';
import { expectEventually, freshDatabase, httpClient, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import {
  deleteBrokerObjects,
  ensureBuild,
  FIRST_ENROLLMENT,
  freePort,
  PETROCHEMICAL_PROGRAM,
  ServiceProcess,
  spawnService,
  stopProcess,
} from '@chanjiao/test-support';

type App = keyof typeof DEFAULT_PORTS;
const APPS = Object.keys(DEFAULT_PORTS) as App[];

/**
 * `npm start` (dist/scripts/start.js), as a newcomer without Docker runs it: it migrates, starts the five services,
 * says when they are ready, stops them all on SIGTERM and exits 0, and exits 1 when a service dies under it. Its
 * databases, ports, exchange and queue are the test's own (`<SERVICE>_DATABASE_URL`, `<SERVICE>_PORT`,
 * `EVENTS_EXCHANGE`, `CONSUMER_QUEUE`), so a dev stack on this machine is not touched.
 */
describe('npm start', () => {
  const { postgresUrl, amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.start.${suffix}`;
  const queue = `reporting.start.${suffix}`;
  const databases: Array<{ url: string; drop: () => Promise<void> }> = [];
  const env: Record<string, string> = {};
  const ports = {} as Record<App, number>;
  let authUrl = '';
  const starts: ServiceProcess[] = [];

  beforeAll(async () => {
    ensureBuild();
    for (const app of APPS) {
      const db = await freshDatabase(`start_${app}`);
      databases.push(db);
      ports[app] = await freePort();
      env[`${app.toUpperCase()}_DATABASE_URL`] = db.url;
      env[`${app.toUpperCase()}_PORT`] = String(ports[app]);
    }
    const auth = await freshDatabase('start_auth');
    databases.push(auth);
    authUrl = auth.url;
    Object.assign(env, {
      DATABASE_URL: postgresUrl,
      AUTH_DATABASE_URL: auth.url,
      AMQP_URL: amqpUrl,
      EVENTS_EXCHANGE: exchange,
      CONSUMER_QUEUE: queue,
      AGREEMENT_EXPIRY_INTERVAL_MS: '0',
    });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(starts.map((p) => stopProcess(p, 5_000)));
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    for (const db of databases) await db.drop();
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

  it('runs the five services until SIGTERM, a write reaching the report, and then stops them all and exits 0', async () => {
    const start = npmStart();
    await ready(start);
    const pids = servicePids(start);
    expect(Object.keys(pids).sort()).toEqual([...APPS].sort());
    for (const app of APPS) expect((await fetch(`http://127.0.0.1:${ports[app]}/health`)).status).toBe(200);

    const keys = new ApiKeyStore(authUrl);
    const institution = `S${suffix.toUpperCase()}`;
    const writer = (await keys.create({ role: 'writer', services: ['enrollment'], institution })).key;
    const reader = (await keys.create({ role: 'reader', services: ['reporting'], institution })).key;
    await keys.close();
    const enrollment = httpClient(`http://127.0.0.1:${ports.enrollment}`, writer);
    expect((await enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM)).status).toBe(201);
    expect((await enrollment.post('/enrollments', FIRST_ENROLLMENT)).status).toBe(201);
    const reporting = httpClient(`http://127.0.0.1:${ports.reporting}`, reader);
    await expectEventually(async () => expect((await reporting.get('/reports/overview?year=2022')).body.intake?.total).toBe(1));

    start.child.kill('SIGTERM');
    expect(await start.exited).toEqual({ code: 0, signal: null });
    for (const [app, pid] of Object.entries(pids)) expect({ app, alive: alive(pid) }).toEqual({ app, alive: false });
  }, 240_000);

  it('stops the others and exits 1 when a service dies under it', async () => {
    const start = npmStart();
    await ready(start);
    const pids = servicePids(start);
    process.kill(pids.reporting!, 'SIGKILL');

    expect(await start.exited).toEqual({ code: 1, signal: null });
    expect(start.lines).toContain('[start] reporting exited by itself (SIGKILL)');
    for (const [app, pid] of Object.entries(pids)) expect({ app, alive: alive(pid) }).toEqual({ app, alive: false });
  }, 240_000);

  it('blames only the service that failed: one refusing its config stops the others, which are not said to have failed', async () => {
    const start = npmStart({ AGREEMENT_EXPIRY_INTERVAL_MS: '-1' });
    expect(await start.exited).toEqual({ code: 1, signal: null });
    expect(start.lines.filter((l) => l.includes('exited by itself'))).toEqual(['[start] partnership exited by itself (code 1)']);
    expect(start.lines.some((l) => l.startsWith('[partnership]') && l.includes('AGREEMENT_EXPIRY_INTERVAL_MS'))).toBe(true);
    for (const pid of Object.values(servicePids(start))) expect(alive(pid)).toBe(false);
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

  it('refuses an invalid port before it starts anything, naming the variable', async () => {
    const start = npmStart({ PLACEMENT_PORT: '80a' });
    expect(await start.exited).toEqual({ code: 1, signal: null });
    expect(start.lines).toContain('PLACEMENT_PORT must be a port number (1–65535), got "80a"');
    expect(start.lines.some((l) => l.startsWith('[migrate]') || l.includes('(pid '))).toBe(false);
  });
});
