import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '@chanjiao/persistence';
import { startCpuMeter } from './cpu';
import { SCHEMA, StageCommand, StageName, StageReport } from './design-chain.stage';

/**
 * The design's own ceiling on this machine, measured in the same run as the pipeline: the bare outbox chain of
 * `../shared/notes/pipeline-ceilings.md`, its writer, relay and consumer each a plain Node.js process
 * (`design-chain.stage.ts`: pg and amqplib only), on a database, a topic exchange and a quorum queue of its own.
 * The batch ingest is reported as a ratio of its rate (`ratioToDesignChain`).
 */
export interface DesignChain {
  events: number;
  /** Events per second from the writer's start until the consumer committed the last one. */
  perSec: number;
  seconds: number;
  /** Each stage's own rate within the run, from its first event to its last. */
  stagePerSec: Record<StageName, number>;
  /** CPU of every process on the box per event (the stages by name): what the design's least work costs. */
  cpuMicrosPerEvent: Record<string, number>;
  pageFaultsPerEvent: Record<string, number>;
  /** [counted, expected] at the end: entity = outbox = inbox = event log = sum of counters = events. */
  checks: Record<string, [number, number]>;
}

const STAGES: readonly StageName[] = ['consumer', 'relay', 'writer'];
const debug = (line: string) => process.env.BENCH_DEBUG && process.stderr.write(`  ${line}\n`);

/** One stage's process and what it has reported. */
class StageProcess {
  private readonly reports: StageReport[] = [];
  private wake?: () => void;
  private exited?: string;

  constructor(
    readonly name: StageName,
    readonly child: ChildProcess,
  ) {
    child.on('message', (m) => {
      this.reports.push(m as StageReport);
      this.wake?.();
    });
    child.on('exit', (code, signal) => {
      this.exited = `exited (${signal ?? code})`;
      this.wake?.();
    });
  }

  /** The stage's next report of that kind; throws on a failure it reported, on its exit, or at the deadline. */
  async next<K extends 'ready' | 'done'>(kind: K, deadline: number): Promise<Extract<StageReport, { kind: K }>> {
    for (;;) {
      const report = this.reports.shift();
      if (report?.kind === 'failed') throw new Error(`design chain: the ${this.name} failed: ${report.error}`);
      if (report?.kind === kind) return report as Extract<StageReport, { kind: K }>;
      if (report) continue;
      if (this.exited) throw new Error(`design chain: the ${this.name} ${this.exited} before it was ${kind}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`design chain: the ${this.name} was not ${kind} in time`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  send(command: StageCommand): void {
    if (this.child.connected) this.child.send(command);
  }

  /** Asks the stage to close its connections and exit; kills it after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exit = new Promise((resolve) => this.child.once('exit', resolve));
    this.send({ kind: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
  }
}

/** `n` events through the bare chain, every count checked at the end; its database and queue dropped after. */
export async function measureDesignChain(amqpUrl: string, pgServer: string, n: number): Promise<DesignChain> {
  const name = `bench_design_${process.pid}`;
  const pgUrl = withDatabase(pgServer, name);
  const exchange = `bench.design.${process.pid}`;
  const queue = exchange;
  await dropDatabase(pgUrl);
  await ensureDatabase(pgUrl);
  const db = new Client({ connectionString: pgUrl });
  let conn: amqp.ChannelModel | undefined;
  const stages = new Map<StageName, StageProcess>();
  try {
    await db.connect();
    for (const statement of SCHEMA) await db.query(statement);
    conn = await amqp.connect(amqpUrl);
    const ch = await conn.createChannel();
    await ch.assertExchange(exchange, 'topic', { durable: true });
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await ch.bindQueue(queue, exchange, '#');
    await ch.close();
    const env = {
      ...process.env,
      DESIGN_PG_URL: pgUrl,
      DESIGN_AMQP_URL: amqpUrl,
      DESIGN_EXCHANGE: exchange,
      DESIGN_QUEUE: queue,
      DESIGN_EVENTS: String(n),
    };
    for (const stage of STAGES) {
      // Plain node: none of this process's flags, nor the services'.
      const child = fork(join(__dirname, 'design-chain.stage.js'), [stage], {
        env,
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      stages.set(stage, new StageProcess(stage, child));
    }
    const of = (stage: StageName) => stages.get(stage)!;
    const ready = Date.now() + 30_000;
    await Promise.all(STAGES.map((s) => of(s).next('ready', ready)));
    const meter = startCpuMeter(() => Object.fromEntries(STAGES.map((s) => [s, of(s).child.pid])));
    const t0 = performance.now();
    of('writer').send({ kind: 'go' });
    // Generous: the slowest phase of this machine has run the chain at about 4,000 events/s.
    const deadline = Date.now() + Math.max(60_000, n * 3);
    const done = await Promise.all(
      STAGES.map(async (s) => {
        const report = await of(s).next('done', deadline);
        debug(`design chain: ${s} done, ${report.events} events in ${report.seconds.toFixed(1)} s`);
        return [s, report, performance.now()] as const;
      }),
    );
    // The consumer's last commit ends the chain; the stages still run, so /proc still has their CPU.
    const seconds = (done.find(([s]) => s === 'consumer')![2] - t0) / 1000;
    const cpuMicrosPerEvent = meter.microsPer(n);
    const pageFaultsPerEvent = meter.faultsPer(n);
    const stagePerSec = Object.fromEntries(done.map(([s, r]) => [s, r.events / r.seconds])) as Record<StageName, number>;
    const { rows } = await db.query<Record<string, number>>(`
      SELECT (SELECT count(*) FROM entity)::int AS entity,
             (SELECT count(*) FROM outbox)::int AS outbox,
             (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL)::int AS published,
             (SELECT count(*) FROM inbox)::int AS inbox,
             (SELECT count(*) FROM event_log)::int AS "eventLog",
             (SELECT coalesce(sum(value), 0) FROM counter)::int AS counters`);
    const counted = rows[0]!;
    const checks = Object.fromEntries(Object.entries(counted).map(([k, v]) => [k, [v, n]])) as Record<string, [number, number]>;
    checks.appliedByConsumer = [done.find(([s]) => s === 'consumer')![1].events, n];
    return { events: n, perSec: n / seconds, seconds, stagePerSec, cpuMicrosPerEvent, pageFaultsPerEvent, checks };
  } finally {
    await Promise.all([...stages.values()].map((s) => s.stop()));
    const ch = await conn?.createChannel().catch(() => undefined);
    await ch?.deleteQueue(queue).catch(() => undefined);
    await ch?.deleteExchange(exchange).catch(() => undefined);
    await conn?.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await dropDatabase(pgUrl);
  }
}
