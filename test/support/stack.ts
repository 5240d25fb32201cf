import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyStore, migrateAuthDatabase } from '@chanjiao/auth';
import { deleteBrokerObjects, freshDatabase, httpClient, HttpClient, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { APP_FACTORIES, appReady, StackService } from './apps';
import { ensureBuild, freePort, ServiceProcess, spawnService, stopProcess, waitHealthy } from './processes';

export type { StackService } from './apps';

export interface TestStack {
  institution: string;
  exchange: string;
  queue: string;
  amqpUrl: string;
  databases: Record<string, string>;
  /** The keys database. */
  authDatabaseUrl: string;
  apps: Partial<Record<StackService, NestFastifyApplication>>;
  /** With `processes: true`: each service's process and its output. */
  processes: Partial<Record<StackService, ServiceProcess>>;
  urls: Partial<Record<StackService, string>>;
  keys: ApiKeyStore;
  writerKey: string;
  readerKey: string;
  /** An admin key: `GET /metrics` needs one (or the METRICS_TOKEN). */
  adminKey: string;
  /** Authenticated clients: the writer for write services, the reader for reporting. */
  enrollment: HttpClient;
  reporting: HttpClient;
  api(service: StackService): HttpClient;
  /** `GET /metrics` of a service with the admin key (its text; fails unless 200). */
  scrape(service: StackService): Promise<string>;
  start(service: StackService): Promise<void>;
  stop(service: StackService): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  services?: StackService[];
  institution?: string;
  env?: Record<string, string>;
  /** Per-service env on top of `env` (e.g. an AMQP_URL through a proxy). */
  envFor?: Partial<Record<StackService, Record<string, string>>>;
  /** A broker other than the test run's (e.g. the nodes of a local cluster, comma-separated). */
  amqpUrl?: string;
  /** The DATABASE_URL a service is given for its fresh database (e.g. through a proxy a test cuts); the database's own by default. */
  databaseUrlFor?: (service: StackService, url: string) => string;
  /** The AUTH_DATABASE_URL the services are given for the keys database (e.g. through a proxy a test cuts); its own by default. */
  authDatabaseUrlFor?: (url: string) => string;
  /** Run each service as its own process from dist/ (as deployed), not in the test's process. */
  processes?: boolean;
}

/**
 * Boots the given services in this process, each with its own fresh database, against the real
 * PostgreSQL and RabbitMQ, on an exchange and queue names of their own so test files do not meet.
 */
export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  const services = opts.services ?? ['enrollment', 'reporting'];
  const suffix = uniqueSuffix();
  const amqpUrl = opts.amqpUrl ?? testServiceUrls().amqpUrl;
  const institution = opts.institution ?? `T${suffix.toUpperCase()}`;
  const exchange = `chanjiao.events.t_${suffix}`;
  const queue = `reporting.t_${suffix}`;
  const auth = await freshDatabase('auth');
  await migrateAuthDatabase(auth.url);
  const keys = new ApiKeyStore(auth.url);
  const writerKey = (await keys.create({ role: 'writer', services: ['enrollment', 'placement', 'partnership', 'alliance'], institution }))
    .key;
  const readerKey = (await keys.create({ role: 'reader', services: ['reporting'], institution })).key;
  const adminKey = (await keys.create({ role: 'admin', services: ['*'], institution })).key;
  if (opts.processes) ensureBuild();
  const drops: Array<() => Promise<void>> = [auth.drop];
  const databases: Record<string, string> = {};
  for (const s of services) {
    const db = await freshDatabase(s);
    databases[s] = db.url;
    drops.push(db.drop);
  }
  const baseEnv = (service: StackService): NodeJS.ProcessEnv => ({
    DATABASE_URL: opts.databaseUrlFor ? opts.databaseUrlFor(service, databases[service]!) : databases[service],
    AUTH_DATABASE_URL: opts.authDatabaseUrlFor ? opts.authDatabaseUrlFor(auth.url) : auth.url,
    AMQP_URL: amqpUrl,
    EVENTS_EXCHANGE: exchange,
    CONSUMER_QUEUE: queue,
    CONSUMER_RETRY_DELAYS_MS: '200,400',
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...opts.env,
    ...opts.envFor?.[service],
  });
  const stack: TestStack = {
    institution,
    exchange,
    queue,
    amqpUrl,
    databases,
    authDatabaseUrl: auth.url,
    apps: {},
    processes: {},
    urls: {},
    keys,
    writerKey,
    readerKey,
    adminKey,
    enrollment: httpClient('http://unset', writerKey),
    reporting: httpClient('http://unset', readerKey),
    api(service) {
      const url = stack.urls[service];
      if (!url) throw new Error(`${service} is not running in this stack`);
      return httpClient(url, service === 'reporting' ? readerKey : writerKey);
    },
    async scrape(service) {
      const url = stack.urls[service];
      if (!url) throw new Error(`${service} is not running in this stack`);
      const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
      if (res.status !== 200) throw new Error(`GET /metrics of ${service} answered ${res.status}`);
      return res.text();
    },
    async start(service) {
      if (opts.processes) {
        const port = await freePort();
        const env = { ...baseEnv(service), PORT: String(port), HOST: '127.0.0.1' } as Record<string, string>;
        const p = spawnService(service, [process.execPath, `dist/apps/${service}/src/main.js`], env, port);
        stack.processes[service] = p;
        await waitHealthy(p);
        stack.urls[service] = p.url;
        if (service === 'enrollment' || service === 'reporting') stack[service] = stack.api(service);
        return;
      }
      const app = await APP_FACTORIES[service](baseEnv(service));
      await app.listen({ port: 0, host: '127.0.0.1' });
      // Events published before the queue is bound would not reach it.
      await appReady(service, app);
      const url = await app.getUrl();
      stack.apps[service] = app;
      stack.urls[service] = url.replace('[::1]', '127.0.0.1');
      if (service === 'enrollment' || service === 'reporting') stack[service] = stack.api(service);
    },
    async stop(service) {
      const p = stack.processes[service];
      if (p) await stopProcess(p);
      delete stack.processes[service];
      await stack.apps[service]?.close();
      delete stack.apps[service];
    },
    async close() {
      for (const s of Object.keys(stack.apps) as StackService[]) await stack.stop(s);
      for (const s of Object.keys(stack.processes) as StackService[]) await stack.stop(s);
      await keys.close();
      await deleteBrokerObjects(amqpUrl, exchange, queue);
      for (const drop of drops) await drop();
    },
  };
  // Consumers first, as in a deployment: their queues must exist before anything is published.
  for (const s of [...services].sort((a) => (a === 'reporting' ? -1 : 1))) await stack.start(s);
  return stack;
}
