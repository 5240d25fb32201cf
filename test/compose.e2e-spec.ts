import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ApiKeyStore } from '@chanjiao/auth';
import { withCredentials } from '@chanjiao/config';
import { databaseName, withDatabase } from '@chanjiao/persistence';
import { deleteBrokerObjects, expectEventually, httpClient, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import {
  ensureBuild,
  FIRST_ENROLLMENT,
  freePort,
  PETROCHEMICAL_PROGRAM,
  removeStackIdentities,
  ServiceProcess,
  spawnService,
  waitHealthy,
} from '@chanjiao/test-support';
import { composePasswordVariables } from '../scripts/secrets';
import { STACK_APPS, stackPlan } from '../scripts/stack-plan';
import { stackPassword } from '../scripts/stack-secrets';
import { loadCompose } from './deploy/compose-file';

/**
 * The stack as docker-compose.yml runs it: its one-shot `migrate`, then each app service, as child processes with
 * EXACTLY the compose file's `command` and `environment` (from the built dist/, as in the image), the secrets as files
 * `npm run secrets` makes. Then a write goes through enrollment → outbox → RabbitMQ → reporting, each service connected
 * as its own role and broker user, and every process is stopped with SIGTERM.
 *
 * Differences from the compose file, needed for isolation on a shared machine (and nothing else):
 * - `postgres:5432` and `rabbitmq:5672` are the test servers (127.0.0.1:5432/5672 locally), their admins `postgres`
 *   (trust authentication: the password compose gives it is not checked) and the test broker's (guest/guest locally,
 *   its password in the URL, so `AMQP_PASSWORD_FILE` is left out);
 * - database names get a per-run suffix (`enrollment` → `enrollment_c<hex>`, `chanjiao_auth` too), and so do the
 *   roles and broker users named after them (`chanjiao_auth_verifier` → `chanjiao_auth_c<hex>_verifier`); `migrate`,
 *   which compose leaves to its defaults, is told them (`<SERVICE>_DATABASE_URL`, `AUTH_DATABASE_URL`); all of it is
 *   removed at the end;
 * - the exchange (`chanjiao.events`) and queue (`reporting.events`) get the same suffix;
 * - `/run/secrets/<name>` is a folder of the run's own;
 * - no `RABBITMQ_MANAGEMENT_URL`: this machine's broker runs without the management plugin, so `migrate` makes the
 *   users with rabbitmqctl (the same definitions it posts to the management API under compose);
 * - PORT is a free port instead of 3001–3005, so a dev stack on those ports does not clash;
 * - the child environment holds only PATH besides the compose variables (nothing leaks from Jest's).
 * Values are interpolated from `.env.example`, as compose does after `cp .env.example .env`.
 */
const root = join(__dirname, '..');
const compose = loadCompose();
const APP_SERVICES = Object.entries(compose.services)
  .filter(([name, s]) => s.image === 'chanjiao:latest' && name !== 'migrate')
  .map(([name]) => name);

describe('docker-compose.yml services, run as compose runs them', () => {
  const suffix = `c${uniqueSuffix()}`;
  const { postgresUrl, amqpUrl } = testServiceUrls();
  const pg = new URL(postgresUrl);
  const mq = new URL(amqpUrl);
  const secrets = mkdtempSync(join(tmpdir(), 'compose-secrets-'));
  const running: Record<string, ServiceProcess> = {};
  /** The environment `migrate` ran with: what it made is found (and removed) from it. */
  let migrateEnv: Record<string, string> = {};
  let keys: ApiKeyStore | undefined;

  /** The run's name of a compose database, role or broker user. */
  const mapName = (name: string) => (name === 'chanjiao_auth_verifier' ? `chanjiao_auth_${suffix}_verifier` : `${name}_${suffix}`);

  /** A compose URL with its host mapped to the test servers, and its database, role and user to the run's names. */
  function mapUrl(value: string): string {
    const url = new URL(value);
    if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
      if (url.host !== 'postgres:5432') throw new Error(`unexpected database host in ${value}`);
      url.host = pg.host;
      const user = decodeURIComponent(url.username);
      if (user === 'postgres') [url.username, url.password] = [pg.username, pg.password];
      else url.username = mapName(user);
      const name = databaseName(value);
      return name === 'postgres' ? url.toString() : withDatabase(url.toString(), mapName(name));
    }
    if (url.protocol === 'amqp:' || url.protocol === 'amqps:') {
      if (url.host !== 'rabbitmq:5672') throw new Error(`unexpected broker host in ${value}`);
      url.host = mq.host;
      const user = decodeURIComponent(url.username);
      if (user === compose.services.rabbitmq!.environment!.RABBITMQ_DEFAULT_USER) {
        return withCredentials(url.toString(), { user: decodeURIComponent(mq.username), password: decodeURIComponent(mq.password) });
      }
      url.username = mapName(user);
      return url.toString();
    }
    throw new Error(`unexpected URL in compose environment: ${value}`);
  }

  function composeEnv(service: string, port?: number): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(compose.services[service]!.environment ?? {})) {
      if (k === 'PORT') env[k] = String(port);
      else if (k === 'RABBITMQ_MANAGEMENT_URL') continue;
      else if (k === 'AMQP_PASSWORD_FILE' && service === 'migrate') continue;
      else if (k === 'DATABASE_PASSWORD_FILE' && service === 'migrate' && pg.password)
        continue; // the test server's own, in its URL
      else if (k.endsWith('_FILE')) env[k] = join(secrets, v.replace(/^\/run\/secrets\//, ''));
      else if (k.endsWith('_URL')) env[k] = mapUrl(v);
      else if (k === 'EVENTS_EXCHANGE' || k === 'CONSUMER_QUEUE') env[k] = `${v}.${suffix}`;
      else env[k] = v;
    }
    return env;
  }

  async function start(service: string): Promise<ServiceProcess> {
    const port = await freePort();
    const r = spawnService(service, compose.services[service]!.command!, composeEnv(service, port), port);
    running[service] = r;
    return r;
  }

  beforeAll(async () => {
    // The image runs the compiled dist/ (Dockerfile: npm run build); build it if sources are newer.
    ensureBuild();
    // As `npm run secrets` makes them for compose.
    for (const variable of composePasswordVariables()) stackPassword(variable, { CHANJIAO_SECRETS_DIR: secrets });
    migrateEnv = composeEnv('migrate');
    for (const app of STACK_APPS) migrateEnv[`${app.toUpperCase()}_DATABASE_URL`] = mapUrl(`postgres://postgres@postgres:5432/${app}`);
    migrateEnv.AUTH_DATABASE_URL = mapUrl('postgres://postgres@postgres:5432/chanjiao_auth');
    const migrate = spawnService('migrate', compose.services.migrate!.command!, migrateEnv, 0);
    expect({ exit: await migrate.exited, lines: migrate.lines }).toEqual({ exit: { code: 0, signal: null }, lines: expect.any(Array) });
    // As compose's depends_on: reporting (the consumer, whose queue must exist) first, then the writers.
    await waitHealthy(await start('reporting'));
    const others = APP_SERVICES.filter((s) => s !== 'reporting');
    await Promise.all(others.map(async (s) => waitHealthy(await start(s))));
  }, 600_000);

  afterAll(async () => {
    for (const r of Object.values(running)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(Object.values(running).map((r) => r.exited));
    await keys?.close();
    await deleteBrokerObjects(amqpUrl, migrateEnv.EVENTS_EXCHANGE!, migrateEnv.CONSUMER_QUEUE!);
    await removeStackIdentities(migrateEnv);
    rmSync(secrets, { recursive: true, force: true });
  }, 120_000);

  it('boots every app service of the compose file with its command and environment, after migrate', () => {
    expect(APP_SERVICES.sort()).toEqual(['alliance', 'enrollment', 'partnership', 'placement', 'reporting']);
    for (const s of APP_SERVICES) expect(compose.services[s]!.command).toEqual(['node', `dist/apps/${s}/src/main.js`]);
    expect(Object.keys(running).sort()).toEqual([...APP_SERVICES].sort());
  });

  it("each service passes its compose healthcheck (the image's HEALTHCHECK command) and none migrates itself", () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    /** The exit code of a healthcheck `['CMD', bin, ...args]` run in the image's working directory against `port`. */
    const check = ([, bin, ...args]: string[], port: string) =>
      spawnSync(bin!, args, { cwd: root, env: { PATH: process.env.PATH, PORT: port }, timeout: 10_000 }).status;
    for (const s of APP_SERVICES) {
      const test = compose.services[s]!.healthcheck!.test!;
      expect(test[0]).toBe('CMD');
      expect(dockerfile).toContain(`CMD ${JSON.stringify(test.slice(1)).replaceAll(',', ', ')}`);
      expect({ s, exit: check(test, new URL(running[s]!.url).port) }).toEqual({ s, exit: 0 });
      expect(compose.services[s]!.environment!.MIGRATIONS_RUN).toBe('false');
    }
    // Teeth: nothing listening there is unhealthy.
    expect(check(compose.services.reporting!.healthcheck!.test!, '1')).toBe(1);
  });

  it('a write to enrollment reaches the reporting overview through RabbitMQ', async () => {
    // Keys are made as the keys database's owner, as `npm run keys` does.
    const plan = stackPlan(migrateEnv);
    keys = new ApiKeyStore(
      withCredentials(plan.authDatabaseUrl, { user: plan.auth.owner, password: readFileSync(join(secrets, 'auth_db_password'), 'utf8') }),
    );
    const institution = `C${suffix.toUpperCase()}`;
    const writer = (await keys.create({ role: 'writer', services: ['enrollment'], institution })).key;
    const reader = (await keys.create({ role: 'reader', services: ['reporting'], institution })).key;
    const admin = (await keys.create({ role: 'admin', services: ['*'], institution })).key;
    await keys.close(); // only the services are connected to the keys database from here on
    keys = undefined;
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
    const metrics = await (await fetch(`${running.reporting!.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(metrics).toMatch(/^chanjiao_consumer_applied_total\{app="reporting"\} 2$/m);
  });

  it('each service is connected as its own role and broker user, with the passwords of its secret files', async () => {
    const plan = stackPlan(migrateEnv);
    const admin = new Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      for (const app of STACK_APPS) {
        const { rows } = await admin.query<{ usename: string }>('SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1', [
          databaseName(plan.apps[app].databaseUrl),
        ]);
        expect({ app, users: rows.map((r) => r.usename) }).toEqual({ app, users: [mapName(app)] });
      }
      // The services as the verifier (the test's own owner connections, closed, may take a moment to go).
      await expectEventually(async () => {
        const { rows } = await admin.query<{ usename: string }>('SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1', [
          databaseName(plan.authDatabaseUrl),
        ]);
        expect(rows.map((r) => r.usename)).toEqual([mapName('chanjiao_auth_verifier')]);
      });
    } finally {
      await admin.end();
    }
    const brokerUsers = execFileSync('rabbitmqctl', ['--quiet', 'list_connections', 'user', '--no-table-headers'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim());
    for (const app of STACK_APPS) expect({ app, connected: brokerUsers.includes(mapName(app)) }).toEqual({ app, connected: true });
  });

  it("a BI tool reads the write's figure from the bi views as the BI role, with its secret file's password, and no table", async () => {
    const plan = stackPlan(migrateEnv);
    const password = readFileSync(join(secrets, 'reporting_bi_db_password'), 'utf8');
    const bi = new Client({ connectionString: withCredentials(plan.apps.reporting.databaseUrl, { user: plan.bi.role, password }) });
    await bi.connect();
    try {
      const { rows } = await bi.query(`SELECT intake_total FROM bi.annual_overview WHERE institution = $1 AND year = 2022`, [
        `C${suffix.toUpperCase()}`,
      ]);
      expect(rows).toEqual([{ intake_total: '1' }]);
      await expect(bi.query('SELECT 1 FROM counter')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await bi.end();
    }
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
