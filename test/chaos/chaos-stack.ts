import amqp from 'amqplib';
import { Client } from 'pg';
import { ApiKeyStore, migrateAuthDatabase } from '@chanjiao/auth';
import { serviceNodeFlags } from '@chanjiao/config';
import { deadLetterQueueName } from '@chanjiao/messaging';
import { deleteBrokerObjects, freshDatabase, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { ensureBuild, freePort, ServiceProcess, spawnService, StackService, stopProcess, waitHealthy } from '@chanjiao/test-support';
import type { WriteDatabases } from '../../scripts/verify/records';

export const SERVICES: StackService[] = ['reporting', 'enrollment', 'placement', 'partnership', 'alliance'];
export const WRITERS = ['enrollment', 'placement', 'partnership', 'alliance'] as const;

export interface ChaosStackOptions {
  /** Processes per service, all on the same database and queue (as replicas are). */
  instances?: number;
  /** Env of every service on top of the stack's. */
  env?: Record<string, string>;
  /** Env of one service on top of that (e.g. an AMQP_URL through a proxy). */
  envFor?: Partial<Record<StackService, Record<string, string>>>;
  /** The DATABASE_URL a service is given for its database (e.g. through a proxy); the database's own by default. */
  databaseUrlFor?: (service: StackService, url: string) => string;
}

/**
 * The five services as processes from dist/ (as deployed: each its own process, heap capped as in the image), each
 * with a fresh database, on an exchange and queues of the stack's own, against this machine's PostgreSQL and
 * RabbitMQ. Instances can be killed and started again; `close` stops them and drops everything the stack made.
 */
export class ChaosStack {
  readonly suffix = uniqueSuffix();
  readonly amqpUrl = testServiceUrls().amqpUrl;
  readonly exchange = `chanjiao.events.c_${this.suffix}`;
  readonly queue = `reporting.c_${this.suffix}`;
  readonly databases: Partial<Record<StackService, string>> = {};
  authDatabaseUrl = '';
  keys!: ApiKeyStore;
  private readonly drops: Array<() => Promise<void>> = [];
  private readonly running = new Map<string, ServiceProcess>();
  private readonly ports = new Map<string, number>();

  constructor(private readonly options: ChaosStackOptions = {}) {}

  static async start(options: ChaosStackOptions = {}): Promise<ChaosStack> {
    ensureBuild();
    const stack = new ChaosStack(options);
    try {
      await stack.open();
    } catch (e) {
      await stack.close();
      throw e;
    }
    return stack;
  }

  private async open(): Promise<void> {
    const auth = await freshDatabase('chaos_auth');
    this.drops.push(auth.drop);
    this.authDatabaseUrl = auth.url;
    await migrateAuthDatabase(auth.url);
    this.keys = new ApiKeyStore(auth.url);
    for (const s of SERVICES) {
      const db = await freshDatabase(`chaos_${s}`);
      this.databases[s] = db.url;
      this.drops.push(db.drop);
    }
    // One at a time, reporting first (its queue must exist before anything is published); the first instance of a
    // service migrates its database, the others start on it migrated.
    for (let i = 0; i < (this.options.instances ?? 1); i++) for (const s of SERVICES) await this.start(s, i);
  }

  get writeDatabases(): WriteDatabases {
    return Object.fromEntries(WRITERS.map((s) => [s, this.databases[s]!])) as WriteDatabases;
  }

  /** The URLs of the instances of `service` running now. */
  urls(service: StackService): string[] {
    return [...this.running.entries()].filter(([k]) => k.startsWith(`${service}#`)).map(([, p]) => p.url);
  }

  process(service: StackService, instance = 0): ServiceProcess | undefined {
    return this.running.get(`${service}#${instance}`);
  }

  /** Starts (or starts again, on its port) one instance and waits until it answers /health. */
  async start(
    service: StackService,
    instance = 0,
    { healthy = true, env: extra = {} }: { healthy?: boolean; env?: Record<string, string> } = {},
  ): Promise<ServiceProcess> {
    const key = `${service}#${instance}`;
    const port = this.ports.get(key) ?? (await freePort());
    this.ports.set(key, port);
    const url = this.databases[service]!;
    const env: Record<string, string> = {
      DATABASE_URL: this.options.databaseUrlFor ? this.options.databaseUrlFor(service, url) : url,
      AUTH_DATABASE_URL: this.authDatabaseUrl,
      AMQP_URL: this.amqpUrl,
      EVENTS_EXCHANGE: this.exchange,
      CONSUMER_QUEUE: this.queue,
      MIGRATIONS_RUN: instance === 0 ? 'true' : 'false',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...this.options.env,
      ...this.options.envFor?.[service],
      ...extra,
    };
    const p = spawnService(key, [process.execPath, ...serviceNodeFlags(service), `dist/apps/${service}/src/main.js`], env, port);
    this.running.set(key, p);
    if (healthy) await waitHealthy(p, 120_000);
    return p;
  }

  /** Kills one instance (SIGKILL by default: no shutdown of any kind) and waits for it to be gone. */
  async kill(service: StackService, instance = 0, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.running.get(`${service}#${instance}`);
    if (!p) return;
    this.running.delete(`${service}#${instance}`);
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
    await p.exited;
  }

  /** Every instance's output lines that say something went wrong (ERROR level or an uncaught exception). */
  errorLines(): string[] {
    return [...this.running.values()].flatMap((p) => p.lines.filter((l) => /"level":"error"|\bERROR\b|Uncaught|UnhandledPromise/i.test(l)));
  }

  /** Messages now in the consumer's dead-letter queue. */
  async deadLetters(): Promise<amqp.GetMessage[]> {
    const conn = await amqp.connect(this.amqpUrl);
    const out: amqp.GetMessage[] = [];
    try {
      const ch = await conn.createChannel();
      const dlq = deadLetterQueueName(this.queue);
      const { messageCount } = await ch.checkQueue(dlq);
      for (let i = 0; i < messageCount; i++) {
        const m = await ch.get(dlq, { noAck: false });
        if (!m) break;
        out.push(m);
      }
      await ch.close(); // unacked: they go back, in order
    } finally {
      await conn.close();
    }
    return out;
  }

  /**
   * Where the events are when reporting has not caught up: the depth of the work, retry and dead-letter queues, the
   * dead letters' reasons, reporting's parked events and its logged errors.
   */
  async whereEventsAre(): Promise<Record<string, unknown>> {
    const conn = await amqp.connect(this.amqpUrl);
    const queues: Record<string, number | string> = {};
    try {
      for (const q of [this.queue, deadLetterQueueName(this.queue), ...[1, 2, 3].map((n) => `${this.queue}.retry.${n}`)]) {
        const ch = await conn.createChannel();
        ch.on('error', () => undefined);
        queues[q] = await ch.checkQueue(q).then(
          (r) => r.messageCount,
          (e: Error) => e.message,
        );
        await ch.close().catch(() => undefined);
      }
    } finally {
      await conn.close();
    }
    const reasons: Record<string, number> = {};
    for (const m of await this.deadLetters()) {
      const r = String(m.properties.headers?.['x-dead-letter-reason'] ?? m.properties.headers?.['x-first-death-reason'] ?? '?');
      reasons[r] = (reasons[r] ?? 0) + 1;
    }
    const parked = await this.query<{ n: number }>('reporting', 'SELECT count(*)::int AS n FROM stream_pending');
    return { queues, deadLetterReasons: reasons, parked: parked[0]?.n, errors: this.errorLines().slice(-20) };
  }

  /** Rows of a service's database (a count, a sum). */
  async query<T>(service: StackService, sql: string, params: unknown[] = []): Promise<T[]> {
    const db = new Client({ connectionString: this.databases[service] });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as T[];
    } finally {
      await db.end();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.values()].map((p) => stopProcess(p, 20_000).catch(() => undefined)));
    this.running.clear();
    await this.keys?.close().catch(() => undefined);
    await deleteBrokerObjects(this.amqpUrl, this.exchange, this.queue).catch(() => undefined);
    for (const drop of this.drops) await drop().catch(() => undefined);
  }
}
