import { ChildProcess, spawn } from 'node:child_process';
import amqp from 'amqplib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeyStore, migrateAuthDatabase, WRITE_SERVICES } from '@chanjiao/auth';
import { dropDatabase, ensureDatabase, serviceNodeFlags, withDatabase } from '@chanjiao/persistence';

export const SERVICES = ['reporting', 'enrollment', 'placement', 'partnership', 'alliance'] as const;
export type BenchService = (typeof SERVICES)[number];
const PORTS: Record<BenchService, number> = { enrollment: 3101, placement: 3102, partnership: 3103, alliance: 3104, reporting: 3105 };

export interface BenchStack {
  urls: Record<BenchService, string>;
  writerKey: string;
  readerKey: string;
  /** Peak resident set size of each service process so far, in MB (VmHWM). */
  peakRssMb(): Record<BenchService, number>;
  /** Process id of each service. */
  pids(): Record<BenchService, number | undefined>;
  stop(): Promise<void>;
}

/**
 * Starts every service as its own process from dist/ (as `npm start` does), on ports 3101-3105, with
 * fresh `bench_*` databases and an exchange and queue of their own, so a benchmark never touches dev data.
 */
export async function startBenchStack(pgServer: string, amqpUrl: string): Promise<BenchStack> {
  const db = (name: string) => withDatabase(pgServer, `bench_${name}`);
  for (const s of [...SERVICES, 'auth']) {
    await dropDatabase(db(s));
    await ensureDatabase(db(s));
  }
  await migrateAuthDatabase(db('auth'));
  // Events a previous run left behind must not count in this one.
  const conn = await amqp.connect(amqpUrl);
  const ch = await conn.createChannel();
  for (const q of [
    'reporting.bench',
    'reporting.bench.dlq',
    'reporting.bench.retry.1',
    'reporting.bench.retry.2',
    'reporting.bench.retry.3',
  ])
    await ch.deleteQueue(q);
  await conn.close();
  const keys = new ApiKeyStore(db('auth'));
  const writer = await keys.create({ role: 'writer', services: [...WRITE_SERVICES], institution: 'BENCH' });
  const reader = await keys.create({ role: 'reader', services: ['reporting'], institution: 'BENCH' });
  await keys.close();
  const children = new Map<BenchService, ChildProcess>();
  const urls = Object.fromEntries(SERVICES.map((s) => [s, `http://127.0.0.1:${PORTS[s]}`])) as Record<BenchService, string>;
  for (const s of SERVICES) {
    // BENCH_PROFILE=<service>: a CPU profile of that service, written to bench/results/<service>.cpuprofile.
    const profile = process.env.BENCH_PROFILE === s ? ['--require', join(__dirname, '..', '..', 'scripts', 'cpu-profile.js')] : [];
    const child = spawn(process.execPath, [...serviceNodeFlags(s), ...profile, join(__dirname, '..', 'apps', s, 'src', 'main.js')], {
      env: {
        ...process.env,
        PORT: String(PORTS[s]),
        DATABASE_URL: db(s),
        AUTH_DATABASE_URL: db('auth'),
        AMQP_URL: amqpUrl,
        EVENTS_EXCHANGE: 'chanjiao.bench.events',
        CONSUMER_QUEUE: 'reporting.bench',
        LOG_LEVEL: 'warn',
        AGREEMENT_EXPIRY_INTERVAL_MS: '0',
        CPU_PROFILE_OUT: join(__dirname, '..', '..', 'bench', 'results', `${s}.cpuprofile`),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.set(s, child);
    // The consumer first: its queue must be bound before anything is published.
    await waitHealthy(urls[s], 60_000);
  }
  const peak = (pid: number | undefined) => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : 0;
    } catch {
      return 0;
    }
  };
  return {
    urls,
    writerKey: writer.key,
    readerKey: reader.key,
    peakRssMb: () => Object.fromEntries(SERVICES.map((s) => [s, peak(children.get(s)?.pid)])) as Record<BenchService, number>,
    pids: () => Object.fromEntries(SERVICES.map((s) => [s, children.get(s)?.pid])) as Record<BenchService, number | undefined>,
    async stop() {
      for (const c of children.values()) c.kill('SIGTERM');
      await Promise.all([...children.values()].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    },
  };
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become healthy`);
}
