import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Client } from 'pg';
import { parse } from 'yaml';
import { ApiKeyStore } from '@chanjiao/auth';
import { databaseName, dropDatabase, withDatabase } from '@chanjiao/persistence';
import { expectEventually, httpClient, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import {
  ensureBuild,
  FIRST_ENROLLMENT,
  freePort,
  PETROCHEMICAL_PROGRAM,
  ServiceProcess,
  spawnService,
  waitHealthy,
} from '@chanjiao/test-support';

/**
 * The services as docker-compose.yml runs them: each app service is started as a child process
 * with EXACTLY the compose file's `command` (from the built dist/, as in the image) and its
 * `environment`, with the compose host names mapped to the test servers. Then a write goes
 * through enrollment → outbox → RabbitMQ → reporting, and every process is stopped with SIGTERM.
 *
 * Differences from the compose file, needed for isolation on a shared machine (and nothing else):
 * - `postgres:5432` and `rabbitmq:5672` are the test servers (127.0.0.1:5432/5672 locally);
 * - database names get a per-run suffix (`enrollment` → `enrollment_c<hex>`, also `chanjiao_auth`),
 *   created as deploy/postgres/init.sql does (databases OWNED by the compose roles `enrollment`,
 *   …, `chanjiao_auth`, created IF NOT EXISTS with the compose passwords; roles are kept, the
 *   databases are dropped at the end);
 * - the exchange (`chanjiao.events`) and queue (`reporting.events`) get the same suffix;
 * - PORT is a free port instead of 3001–3005, so a dev stack on those ports does not clash;
 * - RabbitMQ: the credentials of the test broker (guest/guest locally) instead of chanjiao/chanjiao
 *   from deploy/rabbitmq/definitions.json (creating that user would change the shared broker);
 * - the child environment holds only PATH besides the compose variables (nothing leaks from Jest's).
 */
const root = join(__dirname, '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
};
const APP_SERVICES = Object.entries(compose.services)
  .filter(([, s]) => s.image === 'chanjiao:latest')
  .map(([name]) => name);

describe('docker-compose.yml services, run as compose runs them', () => {
  const suffix = `c${uniqueSuffix()}`;
  const { postgresUrl, amqpUrl } = testServiceUrls();
  const pg = new URL(postgresUrl);
  const mq = new URL(amqpUrl);
  /** Per-run database name → its URL as the services get it (compose role and password). */
  const databases = new Map<string, string>();
  const exchanges = new Set<string>();
  const queues = new Set<string>();
  const running: Record<string, ServiceProcess> = {};
  let keys: ApiKeyStore | undefined;

  /** A compose URL with its host (and broker credentials) mapped to the test servers and a per-run database name. */
  function mapUrl(value: string): string {
    const url = new URL(value);
    if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
      if (url.host !== 'postgres:5432') throw new Error(`unexpected database host in ${value}`);
      url.host = pg.host;
      const name = `${databaseName(value)}_${suffix}`;
      const mapped = withDatabase(url.toString(), name);
      databases.set(name, mapped);
      return mapped;
    }
    if (url.protocol === 'amqp:' || url.protocol === 'amqps:') {
      if (url.host !== 'rabbitmq:5672') throw new Error(`unexpected broker host in ${value}`);
      url.host = mq.host;
      url.username = mq.username;
      url.password = mq.password;
      return url.toString().replace(/\/$/, '');
    }
    throw new Error(`unexpected URL in compose environment: ${value}`);
  }

  async function composeEnv(service: string, port: number): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(compose.services[service]!.environment ?? {})) {
      if (k === 'PORT') env[k] = String(port);
      else if (k.endsWith('_URL')) env[k] = mapUrl(v);
      else if (k === 'EVENTS_EXCHANGE') exchanges.add((env[k] = `${v}.${suffix}`));
      else if (k === 'CONSUMER_QUEUE') queues.add((env[k] = `${v}.${suffix}`));
      else env[k] = v;
    }
    return env;
  }

  /** As deploy/postgres/init.sql: the database owned by the role the compose URL logs in as. */
  async function createDatabase(url: string): Promise<void> {
    const u = new URL(url);
    const role = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    const admin = new Client({ connectionString: withDatabase(postgresUrl, 'postgres') });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (!exists.rowCount) {
        try {
          await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
        } catch (e) {
          if ((e as { code?: string }).code !== '42710') throw e; // created meanwhile by another run
        }
      }
      await admin.query(`CREATE DATABASE "${databaseName(url)}" OWNER "${role}"`);
    } finally {
      await admin.end();
    }
  }

  async function start(service: string): Promise<ServiceProcess> {
    const port = await freePort();
    const r = spawnService(service, compose.services[service]!.command!, await composeEnv(service, port), port);
    running[service] = r;
    return r;
  }

  beforeAll(async () => {
    // The image runs the compiled dist/ (Dockerfile: npm run build); build it if sources are newer.
    ensureBuild();
    const created = new Set<string>();
    for (const service of APP_SERVICES) {
      for (const [k, v] of Object.entries(compose.services[service]!.environment ?? {})) {
        if (k !== 'DATABASE_URL' && k !== 'AUTH_DATABASE_URL') continue;
        const mapped = mapUrl(v);
        if (created.has(mapped)) continue;
        created.add(mapped);
        await createDatabase(mapped);
      }
    }
    // As compose's depends_on: reporting (the consumer, whose queue must exist) first, then the writers.
    await waitHealthy(await start('reporting'));
    const others = APP_SERVICES.filter((s) => s !== 'reporting');
    await Promise.all(others.map(async (s) => waitHealthy(await start(s))));
  }, 600_000);

  afterAll(async () => {
    for (const r of Object.values(running)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(Object.values(running).map((r) => r.exited));
    await keys?.close();
    const conn = await amqp.connect(amqpUrl);
    try {
      const ch = await conn.createChannel();
      for (const q of queues)
        for (const name of [q, `${q}.dlq`, `${q}.retry.1`, `${q}.retry.2`, `${q}.retry.3`]) await ch.deleteQueue(name);
      for (const e of exchanges) await ch.deleteExchange(e);
      await ch.close();
    } finally {
      await conn.close();
    }
    for (const name of databases.keys()) await dropDatabase(withDatabase(postgresUrl, name));
  }, 120_000);

  it('boots every app service of the compose file with its command and environment', () => {
    expect(APP_SERVICES.sort()).toEqual(['alliance', 'enrollment', 'partnership', 'placement', 'reporting']);
    for (const s of APP_SERVICES) expect(compose.services[s]!.command).toEqual(['node', `dist/apps/${s}/src/main.js`]);
    expect(Object.keys(running).sort()).toEqual([...APP_SERVICES].sort());
  });

  it('a write to enrollment reaches the reporting overview through RabbitMQ', async () => {
    const authUrl = mapUrl(compose.services.enrollment!.environment!.AUTH_DATABASE_URL!);
    // The compose env's auth database, as the compose role (the services migrated it as that role).
    keys = new ApiKeyStore(authUrl);
    const institution = `C${suffix.toUpperCase()}`;
    const writer = (await keys.create({ role: 'writer', services: ['enrollment'], institution })).key;
    const reader = (await keys.create({ role: 'reader', services: ['reporting'], institution })).key;
    const enrollment = httpClient(running.enrollment!.url, writer);
    const reporting = httpClient(running.reporting!.url, reader);

    const program = await enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM);
    expect(program.status).toBe(201);
    const posted = await enrollment.post('/enrollments', FIRST_ENROLLMENT);
    expect(posted.status).toBe(201);
    const overview = await expectEventually(async () => {
      const res = await reporting.get('/reports/overview?year=2022');
      expect(res.status).toBe(200);
      expect(res.body.intake.total).toBe(1);
      return res.body;
    });
    expect(overview.programs).toMatchObject({ open: 1, higherVocational: 1 });
    const metrics = await (await fetch(`${running.reporting!.url}/metrics`)).text();
    expect(metrics).toMatch(/^chanjiao_consumer_applied_total\{service="reporting"\} 2$/m);
  });

  it('every process stops on SIGTERM', async () => {
    const stopped = await Promise.all(
      Object.values(running).map(async (r) => {
        r.child.kill('SIGTERM');
        const timeout = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 20_000).unref());
        return { name: r.name, exit: await Promise.race([r.exited, timeout]) };
      }),
    );
    for (const { name, exit } of stopped) {
      expect({ name, stopped: exit !== 'timeout' }).toEqual({ name, stopped: true });
      // Nest closes the app, then re-raises the signal: a clean stop ends by SIGTERM (or exit 0).
      if (exit !== 'timeout') expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
    }
  }, 60_000);
});
