import amqp from 'amqplib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeyStore, migrateAuthDatabase, WRITE_SERVICES } from '@chanjiao/auth';
import { serviceNodeFlags } from '@chanjiao/config';
import { dropDatabase, ensureDatabase, withDatabase } from '@chanjiao/persistence';
import { inheritedEnv, ServiceProcess, spawnService, stopProcess, waitHealthy } from '../scripts/service-process';

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
  const children = new Map<BenchService, ServiceProcess>();
  for (const s of SERVICES) {
    // BENCH_PROFILE=<service>: a CPU profile of that service, written to bench/results/<service>.cpuprofile;
    // BENCH_HEAP_PROFILE=<service>: what it allocates, to bench/results/<service>.heapprofile.
    const out = (ext: string) => join(__dirname, '..', '..', 'bench', 'results', `${s}.${ext}`);
    const profiles = {
      ...(process.env.BENCH_PROFILE === s ? { CPU_PROFILE_OUT: out('cpuprofile') } : {}),
      ...(process.env.BENCH_HEAP_PROFILE === s ? { HEAP_PROFILE_OUT: out('heapprofile') } : {}),
    };
    const profile = Object.keys(profiles).length > 0 ? ['--require', join(__dirname, '..', '..', 'scripts', 'profile.js')] : [];
    // BENCH_NODE_FLAGS: more flags for every service, e.g. `--trace-gc` (NODE_OPTIONS does not take all of V8's).
    const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f.length > 0);
    const command = [process.execPath, ...serviceNodeFlags(s), ...extra, ...profile, join(__dirname, '..', 'apps', s, 'src', 'main.js')];
    const env = {
      ...inheritedEnv(),
      PORT: String(PORTS[s]),
      DATABASE_URL: db(s),
      AUTH_DATABASE_URL: db('auth'),
      AMQP_URL: amqpUrl,
      EVENTS_EXCHANGE: 'chanjiao.bench.events',
      CONSUMER_QUEUE: 'reporting.bench',
      LOG_LEVEL: 'warn',
      AGREEMENT_EXPIRY_INTERVAL_MS: '0',
      // The benchmark drives one writer and one reader key as fast as the box allows (about 20,000 reads/s), ten times
      // a key's default rate: it measures the services, not the limit (README "Limits at the edge").
      RATE_LIMIT_PER_KEY: '1000000:1000000',
      ...profiles,
    };
    // Warnings and errors of the services show as they come.
    const child = spawnService(s, command, env, PORTS[s], { onLine: (line) => process.stderr.write(`[${s}] ${line}\n`) });
    children.set(s, child);
    // The consumer first: its queue must be bound before anything is published.
    await waitHealthy(child, 60_000);
  }
  const urls = Object.fromEntries([...children].map(([s, p]) => [s, p.url])) as Record<BenchService, string>;
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
    peakRssMb: () => Object.fromEntries(SERVICES.map((s) => [s, peak(children.get(s)?.child.pid)])) as Record<BenchService, number>,
    pids: () => Object.fromEntries(SERVICES.map((s) => [s, children.get(s)?.child.pid])) as Record<BenchService, number | undefined>,
    async stop() {
      await Promise.all([...children.values()].map((p) => stopProcess(p)));
    },
  };
}
