/**
 * `npm run bench [-- --quick]`: the pipeline measured against the raw limits of its own parts and against the
 * design's own ceiling (the bare outbox chain, `design-chain.ts`), in one run, on this machine. Prints a table and
 * writes bench/results/latest.json and a dated copy.
 * `--quick` runs a tenth of the sizes and checks only that every figure is right (CI smoke test).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DEFAULT_PG_SERVER } from '@chanjiao/config';
import { measurePageFaultCost, startCpuMeter, walPosition } from './cpu';
import { DesignChain, measureDesignChain } from './design-chain';
import { loadFigures, measureBrokerCosts, measureMinimalEndpoint, measureRawChain } from './raw-limits';
import { measureRebuild, RebuildBench } from './rebuild';
import { BenchStack, startBenchStack } from './stack';

const USAGE =
  'usage: npm run bench [-- --quick] [--only=design,ingest,writes,freshness,reads,broker,rebuild] [--events=N] [--rebuild-events=N]';
// A mistyped flag would otherwise start the full run of several minutes.
for (const arg of process.argv.slice(2)) {
  if (arg === '--help' || arg === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (arg !== '--quick' && !/^--(only|events|rebuild-events)=./.test(arg)) {
    console.error(`unknown argument ${arg}\n${USAGE}`);
    process.exit(2);
  }
}
const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const PG = process.env.DATABASE_URL ?? DEFAULT_PG_SERVER;
const AMQP = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SIZES = {
  // The ingest's events, and the design chain's. `--events=N` for a shorter ingest while working on it (with --only).
  events: Number(process.argv.find((a) => a.startsWith('--events='))?.slice('--events='.length) ?? Math.round(200_000 * scale)),
  singleWriteSeconds: quick ? 3 : 20,
  endpointSeconds: quick ? 3 : 10,
  freshnessSeconds: quick ? 3 : 10,
  freshnessRate: quick ? 200 : 1000,
  freshnessWarmupSeconds: quick ? 1 : 3,
  readSeconds: quick ? 3 : 10,
  // The stored events the rebuild phase replays (issue 29: 1,000,000 at ≥ 30,000 events/s).
  rebuildEvents: Number(
    process.argv.find((a) => a.startsWith('--rebuild-events='))?.slice('--rebuild-events='.length) ?? Math.round(1_000_000 * scale),
  ),
};

/**
 * The rate at which a phase's CPU per operation would take every core of the box: the most it could reach at that
 * cost, everything being on one machine. Against the measured rate it says whether the phase was bound by CPU.
 */
const cores = availableParallelism();
const ceiling = (cpuMicros: Record<string, number>) => (cores * 1e6) / cpuMicros.total!;

const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function api(stack: BenchStack, service: keyof BenchStack['urls'], method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(stack.urls[service] + path, {
    method,
    headers: { authorization: `Bearer ${service === 'reporting' ? stack.readerKey : stack.writerKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 400) throw new Error(`${method} ${service}${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

const applied = async (stack: BenchStack) => (await api(stack, 'reporting', 'GET', '/reports/freshness')).eventsApplied as number;

async function waitApplied(stack: BenchStack, target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await applied(stack);
    if (n >= target) return performance.now();
    if (Date.now() > deadline) throw new Error(`only ${n} of ${target} events applied`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The program every benchmark enrollment is in (a repeat is a no-op). */
async function ensureProgram(stack: BenchStack): Promise<void> {
  await api(stack, 'enrollment', 'PUT', '/programs/P1', {
    name: 'Bench',
    category: '46',
    level: 'higher_vocational',
    sectors: ['mining'],
    status: 'open',
  });
}

/** 200,000 mixed events through the four services' `:batch` routes, until the reports show them all. */
async function batchIngest(stack: BenchStack): Promise<{
  events: number;
  seconds: number;
  perSec: number;
  /** Seconds until the write APIs had answered every batch. */
  acceptedSeconds: number;
  cpuMicrosPerEvent: Record<string, number>;
  pageFaultsPerEvent: Record<string, number>;
  walBytesPerEvent: number;
  checks: Record<string, [number, number]>;
}> {
  const n = SIZES.events;
  const counts = { enrollments: Math.round(n * 0.5), internships: Math.round(n * 0.25), partners: Math.round(n * 0.15) };
  const members = n - counts.enrollments - counts.internships - counts.partners;
  await ensureProgram(stack);
  const alliances = 10;
  for (let a = 0; a < alliances; a++) {
    await api(stack, 'alliance', 'PUT', `/alliances/A${a}`, {
      name: `Alliance ${a}`,
      scope: 'regional',
      foundedOn: '2015-01-01',
      role: 'member',
    });
  }
  const base = await waitApplied(stack, 1 + alliances, 30_000).then(() => applied(stack));
  const streams: Array<{ service: 'enrollment' | 'placement' | 'partnership' | 'alliance'; path: string; items: unknown[] }> = [
    {
      service: 'enrollment',
      path: '/enrollments:batch',
      items: Array.from({ length: counts.enrollments }, (_, i) => ({
        studentId: `E${i}`,
        programCode: 'P1',
        cohortYear: 2022,
        level: 'higher_vocational',
        pathway: 'regular',
      })),
    },
    {
      service: 'placement',
      path: '/internships:batch',
      items: Array.from({ length: counts.internships }, (_, i) => ({
        internshipId: `I${i}`,
        studentId: `E${i}`,
        kind: 'post',
        region: i % 3 ? '650102' : '652801',
        startDate: '2022-03-01',
      })),
    },
    {
      service: 'partnership',
      path: '/partners:batch',
      items: Array.from({ length: counts.partners }, (_, i) => ({
        partnerId: `PT${i}`,
        name: `Enterprise ${i}`,
        kind: 'enterprise',
        sector: 'textiles',
      })),
    },
    {
      service: 'alliance',
      path: '/alliances/members:batch',
      items: Array.from({ length: members }, (_, i) => ({
        allianceId: `A${i % alliances}`,
        memberId: `M${i}`,
        memberKind: 'enterprise',
        role: 'member',
        joinedOn: '2020-01-01',
      })),
    },
  ];
  const wal0 = await walPosition(PG);
  const meter = startCpuMeter(() => stack.pids());
  const t0 = performance.now();
  await Promise.all(
    streams.map(async (s) => {
      for (let i = 0; i < s.items.length; i += 2000) {
        const r = await api(stack, s.service, s.service === 'partnership' ? 'PUT' : 'POST', s.path, s.items.slice(i, i + 2000));
        if (r.summary.failed) throw new Error(`${s.path}: ${JSON.stringify(r.results.find((x: any) => x.status === 'failed'))}`);
      }
    }),
  );
  // When the write APIs had answered every batch: the rest of the time is the pipeline catching up.
  const accepted = performance.now();
  const t1 = await waitApplied(stack, base + n, 600_000);
  const cpu = meter.microsPer(n);
  const faults = meter.faultsPer(n);
  const wal1 = await walPosition(PG);
  const walBytesPerEvent = Number(wal1 - wal0) / n;
  // For a breakdown by record kind: pg_waldump --stats=record -s <from> -e <to> (while the WAL is kept).
  if (process.env.BENCH_DEBUG) log(`ingest WAL: ${lsn(wal0)} to ${lsn(wal1)}`);
  const seconds = (t1 - t0) / 1000;
  const overview = await api(stack, 'reporting', 'GET', '/reports/overview?year=2022');
  const checks: Record<string, [number, number]> = {
    'intake.total': [overview.intake.total, counts.enrollments],
    'internships.students': [overview.internships.students, counts.internships],
    'internships.localStudents': [overview.internships.localStudents, Math.ceil(counts.internships / 3)],
    'alliances.members': [overview.alliances.members, members],
    eventsApplied: [(await applied(stack)) - base, n],
  };
  const acceptedSeconds = (accepted - t0) / 1000;
  return {
    events: n,
    seconds,
    perSec: n / seconds,
    acceptedSeconds,
    cpuMicrosPerEvent: cpu,
    pageFaultsPerEvent: faults,
    walBytesPerEvent,
    checks,
  };
}

const lsn = (at: bigint) => `${(at >> 32n).toString(16).toUpperCase()}/${(at & 0xffffffffn).toString(16).toUpperCase()}`;

function uniqueEnrollment(prefix: string, cohortYear: number) {
  let i = 0;
  return () =>
    JSON.stringify({ studentId: `${prefix}${i++}`, programCode: 'P1', cohortYear, level: 'higher_vocational', pathway: 'regular' });
}

/**
 * `POST /enrollments` from 50 connections. CPU per write counts every process from the first request until
 * reporting has applied every write: what one write costs the whole box, relay, broker and projection included.
 */
async function singleWrites(stack: BenchStack) {
  const next = uniqueEnrollment('W', 2023);
  const applied0 = await applied(stack);
  const meter = startCpuMeter(() => stack.pids());
  const r = await autocannon({
    url: `${stack.urls.enrollment}/enrollments`,
    connections: 50,
    duration: SIZES.singleWriteSeconds,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: next() }),
      },
    ],
  });
  await waitApplied(stack, applied0 + r['2xx'], 120_000);
  const { cpu, faults, ...load } = loadFigures(r, meter);
  return { ...load, written: r['2xx'], cpuMicrosPerWrite: cpu, pageFaultsPerWrite: faults };
}

/** `POST /enrollments` at the freshness rate for `seconds`; `onCreated` gets the time of each 201. */
async function steadyWrites(stack: BenchStack, next: () => string, seconds: number, onCreated: (at: number) => void): Promise<void> {
  const total = SIZES.freshnessRate * seconds;
  const perTick = SIZES.freshnessRate / 100;
  const inflight: Array<Promise<void>> = [];
  const start = performance.now();
  for (let sent = 0; sent < total;) {
    for (let k = 0; k < perTick && sent < total; k++, sent++) {
      inflight.push(
        fetch(`${stack.urls.enrollment}/enrollments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': 'application/json' },
          body: next(),
        }).then(async (r) => {
          await r.arrayBuffer();
          if (r.status === 201) onCreated(performance.now());
        }),
      );
    }
    const due = start + (sent / SIZES.freshnessRate) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  await Promise.all(inflight);
}

/**
 * Steady single writes; each write's response time against the moment the overview first shows it. A
 * warm-up at the same rate (another cohort, not measured) comes first: the figure is for a warm pipeline,
 * not for a service's first seconds (JIT, pools, caches), which `--only=freshness` would otherwise measure.
 */
async function freshness(stack: BenchStack) {
  const warmup = uniqueEnrollment('FW', 2025);
  let warmed = 0;
  const applied0 = await applied(stack);
  await steadyWrites(stack, warmup, SIZES.freshnessWarmupSeconds, () => warmed++);
  await waitApplied(stack, applied0 + warmed, 60_000);
  const cohort = 2024;
  const next = uniqueEnrollment('F', cohort);
  const responses: number[] = [];
  const observed: Array<[number, number]> = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const o = await api(stack, 'reporting', 'GET', `/reports/overview?year=${cohort}`);
      observed.push([performance.now(), o.intake.total]);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await steadyWrites(stack, next, SIZES.freshnessSeconds, (at) => responses.push(at));
  const deadline = Date.now() + 60_000;
  while ((observed.at(-1)?.[1] ?? 0) < responses.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  polling = false;
  await poller;
  responses.sort((a, b) => a - b);
  // The k-th response is visible once the overview counts k writes (effects are order-insensitive counts).
  const lags = responses.map((t, k) => {
    const seen = observed.find(([, count]) => count >= k + 1);
    return seen ? Math.max(0, seen[0] - t) : Number.NaN;
  });
  const valid = lags.filter((x) => !Number.isNaN(x));
  return {
    writes: responses.length,
    ratePerSec: SIZES.freshnessRate,
    p50: pct(valid, 50),
    p99: pct(valid, 99),
    unseen: lags.length - valid.length,
  };
}

/** `GET /reports/overview` from 50 connections; CPU and page faults per read by process over the same time. */
async function reads(stack: BenchStack) {
  const meter = startCpuMeter(() => stack.pids());
  const r = await autocannon({
    url: `${stack.urls.reporting}/reports/overview?year=2022`,
    connections: 50,
    duration: SIZES.readSeconds,
    headers: { authorization: `Bearer ${stack.readerKey}` },
  });
  const { cpu, faults, ...load } = loadFigures(r, meter);
  return { ...load, cpuMicrosPerRead: cpu, pageFaultsPerRead: faults };
}

/**
 * `--only=ingest,writes,freshness,reads`: just those phases (with the raw limits their ratios need); nothing is saved.
 * `design` is the design chain alone (the ingest runs it too, for its ratio).
 */
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
/** The phases on the services' stack; `broker` (not part of a full run) is what the event contract adds to RabbitMQ's work. */
const STACK_PHASES = ['ingest', 'writes', 'freshness', 'reads'] as const;
const PHASES: readonly string[] = ['design', ...STACK_PHASES, 'broker', 'rebuild'];
const unknownPhases = only?.filter((p) => !PHASES.includes(p)) ?? [];
if (unknownPhases.length > 0) {
  console.error(`unknown phase in --only: ${unknownPhases.join(', ')} (phases: ${PHASES.join(', ')})`);
  process.exit(2);
}
const runs = (phase: (typeof STACK_PHASES)[number]) => !only || only.includes(phase);
const runsBroker = only?.includes('broker') ?? false;
const runsRebuild = !only || only.includes('rebuild');
const runsDesign = only?.includes('design') || runs('ingest');

async function main(): Promise<void> {
  log(`benchmark${quick ? ' (quick)' : ''}: ${SIZES.events.toLocaleString('en')} events${only ? `, only ${only.join(', ')}` : ''}`);
  if (only) return partial();
  log('1/7 raw limits: amqplib publish/consume, node-postgres insert, the chain, a minimal Fastify endpoint, the design chain');
  const raw = await measureRawChain(AMQP, PG, SIZES.events);
  const endpoint = await measureMinimalEndpoint(PG, SIZES.endpointSeconds);
  const pageFault = measurePageFaultCost();
  // Last of the raw limits, so that it runs closest to the ingest it is the ceiling of.
  const design = await measureDesignChain(AMQP, PG, SIZES.events);
  log('starting the services (bench_* databases, ports 3101-3105)');
  const stack = await startBenchStack(PG, AMQP);
  let result: Record<string, unknown>;
  let ok = true;
  let rebuilt: RebuildBench | undefined;
  try {
    log('2/7 batch ingest');
    const ingest = await batchIngest(stack);
    log('3/7 single writes');
    const writes = await singleWrites(stack);
    log('4/7 freshness');
    const fresh = await freshness(stack);
    log('5/7 reads');
    const read = await reads(stack);
    log('6/7 memory');
    const rss = stack.peakRssMb();
    log(`7/7 rebuild: ${SIZES.rebuildEvents.toLocaleString('en')} stored events replayed`);
    rebuilt = await measureRebuild(PG, SIZES.rebuildEvents, log);
    const wrong = [
      ...Object.entries(design.checks).map(([k, v]) => [`designChain.${k}`, v] as const),
      ...Object.entries(ingest.checks),
      ...Object.entries(rebuilt.checks).map(([k, v]) => [`rebuild.${k}`, v] as const),
    ].filter(([, [a, e]]) => a !== e);
    ok = wrong.length === 0 && fresh.unseen === 0 && writes.non2xx === 0 && read.non2xx === 0;
    const [ingestCeiling, writesCeiling] = [ceiling(ingest.cpuMicrosPerEvent), ceiling(writes.cpuMicrosPerWrite)];
    result = {
      date: new Date().toISOString(),
      quick,
      machine: { cpus: cores, node: process.version },
      raw,
      minimalEndpoint: endpoint,
      pageFault,
      designChain: design,
      batchIngest: {
        ...ingest,
        ratioToDesignChain: ingest.perSec / design.perSec,
        ratioToRawChain: ingest.perSec / raw.chainPerSec,
        cpuCeilingPerSec: ingestCeiling,
      },
      singleWrites: { ...writes, ratioToMinimalEndpoint: writes.requestsPerSec / endpoint.requestsPerSec, cpuCeilingPerSec: writesCeiling },
      freshness: fresh,
      reads: read,
      peakRssMb: rss,
      rebuild: rebuilt,
      correct: ok,
    };
    const row = (name: string, value: string, target: string) => `${name.padEnd(42)} ${value.padStart(22)}   ${target}`;
    const f = (x: number, d = 0) => x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
    // Faults by the whole box, and what they cost at this box's price of one.
    const faultRow = (label: string, faults: Record<string, number>) =>
      row(label, `${f(faults.total ?? 0, 1)} (${f((faults.total ?? 0) * pageFault.microsPerFault)} µs)`, '');
    // The total, then each process that spent any.
    const cpuRows = (label: string, cpu: Record<string, number>) => [
      row(label, `${f(cpu.total ?? 0)} µs`, ''),
      ...Object.entries(cpu)
        .filter(([g, us]) => g !== 'total' && us > 0)
        .map(([g, us]) => row(`    ${g}`, `${f(us)} µs`, '')),
    ];
    const lines = [
      row('measure', 'value', 'target'),
      row('raw: publish (confirms per 1,000)', `${f(raw.publishPerSec)} /s`, ''),
      row('raw: consume (prefetch 2,000)', `${f(raw.consumePerSec)} /s`, ''),
      row('raw: insert (batches of 1,000)', `${f(raw.insertPerSec)} /s`, ''),
      row('raw: publish→consume→insert chain', `${f(raw.chainPerSec)} /s`, ''),
      ...cpuRows('  CPU per event of the chain (all)', raw.chainCpuMicrosPerEvent),
      faultRow('  page faults per event of the chain', raw.chainPageFaultsPerEvent),
      row('raw: minimal Fastify + insert', `${f(endpoint.requestsPerSec)} req/s`, ''),
      ...cpuRows('  CPU per request (all)', endpoint.cpuMicrosPerRequest),
      faultRow('  page faults per request', endpoint.pageFaultsPerRequest),
      row('raw: CPU per minor page fault', `${f(pageFault.microsPerFault, 1)} µs`, ''),
      row('raw: design chain, writer→relay→consumer', `${f(design.perSec)} events/s`, ''),
      row(
        '  writer / relay / consumer within it',
        `${f(design.stagePerSec.writer)} / ${f(design.stagePerSec.relay)} / ${f(design.stagePerSec.consumer)} /s`,
        '',
      ),
      ...cpuRows('  CPU per event of the design chain (all)', design.cpuMicrosPerEvent),
      faultRow('  page faults per event of the design chain', design.pageFaultsPerEvent),
      row('batch ingest, end to end', `${f(ingest.perSec)} events/s`, ''),
      row('  ratio to the design chain', f(ingest.perSec / design.perSec, 2), '≥ 0.8'),
      row('  ratio to the raw chain', f(ingest.perSec / raw.chainPerSec, 2), ''),
      row('  all accepted by the write APIs after', `${f(ingest.acceptedSeconds, 1)} of ${f(ingest.seconds, 1)} s`, ''),
      row('  PostgreSQL WAL per event', `${f(ingest.walBytesPerEvent)} bytes`, ''),
      ...cpuRows('  CPU per event (all processes)', ingest.cpuMicrosPerEvent),
      faultRow('  page faults per event (all processes)', ingest.pageFaultsPerEvent),
      row("  CPU per event / the design chain's", f(ingest.cpuMicrosPerEvent.total! / design.cpuMicrosPerEvent.total!, 1), ''),
      row("  CPU per event / the raw chain's", f(ingest.cpuMicrosPerEvent.total! / raw.chainCpuMicrosPerEvent.total!, 1), ''),
      row(`  ceiling at that CPU (${cores} cores)`, `${f(ingestCeiling)} events/s`, ''),
      row('single writes (50 connections)', `${f(writes.requestsPerSec)} req/s`, '≥ 3,000'),
      row('  p50 / p99 latency', `${writes.p50} / ${writes.p99} ms`, 'p99 ≤ 50 ms'),
      row('  ratio to the minimal endpoint', f(writes.requestsPerSec / endpoint.requestsPerSec, 2), ''),
      ...cpuRows('  CPU per write until reported (all)', writes.cpuMicrosPerWrite),
      faultRow('  page faults per write (all)', writes.pageFaultsPerWrite),
      row("  CPU per write / the minimal endpoint's", f(writes.cpuMicrosPerWrite.total! / endpoint.cpuMicrosPerRequest.total!, 1), ''),
      row(`  ceiling at that CPU (${cores} cores)`, `${f(writesCeiling)} req/s`, ''),
      row(`freshness at ${f(fresh.ratePerSec)} writes/s p50 / p99`, `${f(fresh.p50)} / ${f(fresh.p99)} ms`, 'p99 ≤ 250 ms'),
      row('overview reads (50 connections)', `${f(read.requestsPerSec)} req/s`, '≥ 3,000'),
      row('  p99 latency', `${read.p99} ms`, '≤ 20 ms'),
      ...cpuRows('  CPU per read (all processes)', read.cpuMicrosPerRead),
      faultRow('  page faults per read (all processes)', read.pageFaultsPerRead),
      ...Object.entries(rss).map(([s, mb]) => row(`peak RSS ${s}`, `${mb} MB`, '≤ 250 MB')),
      row(`raw: event log insert (batches of 1,000)`, `${f(rebuilt.logInsertPerSec)} events/s`, ''),
      row(`rebuild of ${f(rebuilt.events)} stored events`, `${f(rebuilt.rebuildPerSec)} events/s`, '≥ 30,000'),
      row('  ratio to the event log insert', f(rebuilt.ratioToLogInsert, 2), ''),
      row('  rebuilder CPU per event (PostgreSQL aside)', `${f(rebuilt.rebuilderCpuMicrosPerEvent, 1)} µs`, ''),
      row('figures correct', ok ? 'yes' : `NO: ${JSON.stringify(wrong)}`, ''),
    ];
    console.log(lines.join('\n'));
  } finally {
    await stack.stop();
  }
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(result, null, 2));
  writeFileSync(
    join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`),
    JSON.stringify(result, null, 2),
  );
  process.exitCode = ok ? 0 : 1;
}

/** Some phases only, for working on one figure; printed as JSON, not saved. */
async function partial(): Promise<void> {
  const out: Record<string, unknown> = {};
  if (runsBroker) out.rabbitmqCpuMicrosPerMessage = await measureBrokerCosts(AMQP, SIZES.events);
  if (runs('ingest')) {
    const raw = await measureRawChain(AMQP, PG, SIZES.events);
    Object.assign(out, {
      rawChainPerSec: raw.chainPerSec,
      rawChainCpuMicrosPerEvent: raw.chainCpuMicrosPerEvent,
      rawChainPageFaultsPerEvent: raw.chainPageFaultsPerEvent,
    });
  }
  let design: DesignChain | undefined;
  if (runsDesign) {
    design = await measureDesignChain(AMQP, PG, SIZES.events);
    out.designChain = design;
    if (Object.values(design.checks).some(([a, e]) => a !== e)) process.exitCode = 1;
  }
  if (runs('writes')) {
    const endpoint = await measureMinimalEndpoint(PG, SIZES.endpointSeconds);
    Object.assign(out, {
      minimalEndpoint: endpoint.requestsPerSec,
      minimalEndpointCpuMicrosPerRequest: endpoint.cpuMicrosPerRequest,
      minimalEndpointPageFaultsPerRequest: endpoint.pageFaultsPerRequest,
    });
  }
  if (runsRebuild) {
    const r = await measureRebuild(PG, SIZES.rebuildEvents, log);
    out.rebuild = r;
    if (Object.values(r.checks).some(([a, e]) => a !== e)) process.exitCode = 1;
  }
  if (!STACK_PHASES.some(runs)) return void console.log(JSON.stringify(out, null, 2));
  out.pageFault = measurePageFaultCost();
  const stack = await startBenchStack(PG, AMQP);
  try {
    await ensureProgram(stack);
    const rssAfter: Record<string, unknown> = {};
    if (runs('ingest')) {
      const ingest = await batchIngest(stack);
      [out.batchIngest, rssAfter.ingest] = [{ ...ingest, ratioToDesignChain: ingest.perSec / design!.perSec }, stack.peakRssMb()];
    }
    if (runs('writes')) [out.singleWrites, rssAfter.writes] = [await singleWrites(stack), stack.peakRssMb()];
    if (runs('freshness')) [out.freshness, rssAfter.freshness] = [await freshness(stack), stack.peakRssMb()];
    if (runs('reads')) [out.reads, rssAfter.reads] = [await reads(stack), stack.peakRssMb()];
    out.peakRssMbAfter = rssAfter;
  } finally {
    await stack.stop();
  }
  console.log(JSON.stringify(out, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
