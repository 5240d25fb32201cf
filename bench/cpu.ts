import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * CPU time by component, read from /proc: where a phase's cycles went on this box (the services, PostgreSQL's
 * backends, RabbitMQ's Erlang VM, the load generator). Divided by the events of a phase, it says what an event
 * costs end to end, a figure that moves less between runs than throughput on a shared machine.
 */
export type CpuSnapshot = Map<number, { group: string; ticks: number; faults: number }>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processStat(pid: number): { comm: string; ticks: number; faults: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // minflt, utime and stime are fields 10, 14 and 15 of stat, i.e. 7, 11 and 12 after comm and state.
    return { comm, ticks: Number(fields[11]) + Number(fields[12]), faults: Number(fields[7]) };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** Every process's CPU ticks so far, grouped: `services` names the pids of our own processes. */
export function cpuSnapshot(services: Record<string, number | undefined>): CpuSnapshot {
  const named = new Map<number, string>();
  for (const [name, pid] of Object.entries(services)) if (pid) named.set(pid, name);
  named.set(process.pid, 'load generator');
  const out: CpuSnapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const t = processStat(pid);
    if (!t) continue;
    const group =
      named.get(pid) ??
      (t.comm.startsWith('postgres') ? 'postgresql' : t.comm.startsWith('beam') || t.comm.startsWith('erl') ? 'rabbitmq' : 'other');
    out.set(pid, { group, ticks: t.ticks, faults: t.faults });
  }
  return out;
}

/** How much of a counter each group spent between two snapshots (processes that started in between count from zero). */
function spentBetween(before: CpuSnapshot, after: CpuSnapshot, counter: 'ticks' | 'faults'): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [pid, now] of after) {
    const delta = now[counter] - (before.get(pid)?.[counter] ?? 0);
    if (delta > 0) spent[now.group] = (spent[now.group] ?? 0) + delta;
  }
  return spent;
}

/** Amounts per operation, by group (largest first) and in total, each rounded by `round`. */
function perOperation(amounts: Record<string, number>, operations: number, round: (x: number) => number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [group, amount] of Object.entries(amounts).sort(([, a], [, b]) => b - a)) {
    out[group] = round(amount / operations);
    total += amount;
  }
  out.total = round(total / operations);
  return out;
}

/** CPU seconds per group between two snapshots (processes that started in between count from zero). */
export function cpuSecondsBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const ticks = spentBetween(before, after, 'ticks');
  return Object.fromEntries(Object.entries(ticks).map(([group, t]) => [group, t / TICKS_PER_SECOND]));
}

/** Microseconds of CPU per operation (an event, a write, a read), by group and in total. */
export function cpuMicrosPer(seconds: Record<string, number>, operations: number): Record<string, number> {
  return perOperation(seconds, operations, (s) => Math.round(s * 1e6));
}

/** Minor page faults per operation, by group and in total (one decimal): see {@link measurePageFaultCost}. */
export function pageFaultsPer(before: CpuSnapshot, after: CpuSnapshot, operations: number): Record<string, number> {
  return perOperation(spentBetween(before, after, 'faults'), operations, (n) => Math.round(n * 10) / 10);
}

/**
 * Counts every process's CPU and page faults from now: `microsPer(n)` is the CPU spent since, per operation, and
 * `faultsPer(n)` the minor page faults (both from the same reading, taken by whichever is called first).
 */
export function startCpuMeter(pids: () => Record<string, number | undefined>): {
  microsPer: (operations: number) => Record<string, number>;
  faultsPer: (operations: number) => Record<string, number>;
} {
  const before = cpuSnapshot(pids());
  let after: CpuSnapshot | undefined;
  const end = () => (after ??= cpuSnapshot(pids()));
  return {
    microsPer: (operations) => cpuMicrosPer(cpuSecondsBetween(before, end()), operations),
    faultsPer: (operations) => pageFaultsPer(before, end(), operations),
  };
}

const minorFaultsOfThisProcess = () => processStat(process.pid)?.faults ?? 0;

/**
 * What one minor page fault costs on this box: CPU microseconds per fault while this process touches memory it has
 * not touched before (one byte per 4 KB page of 64 MB blocks, which the allocator maps afresh). A raw limit like
 * the others: in a virtual machine that traps on faults it has been 13–17 µs, where bare metal takes well under
 * one, and the services' faults per event (`pageFaultsPerEvent`) times it is CPU they spend in the kernel.
 */
export function measurePageFaultCost(blocks = 4): { microsPerFault: number; faults: number } {
  // A block the allocator served from memory this process had already faulted in (seen once in a busy test run: 2 faults
  // for 64 MB) measures nothing: measured again, up to three times, until the blocks were really fresh.
  let m = measureFaults(blocks);
  for (let tries = 1; tries < 3 && m.faults < blocks * 32; tries++) m = measureFaults(blocks);
  return m;
}

function measureFaults(blocks: number): { microsPerFault: number; faults: number } {
  const f0 = minorFaultsOfThisProcess();
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < blocks; b++) {
    // Above glibc's largest mmap threshold (32 MB): every block is a fresh mapping, unmapped when collected.
    const block = Buffer.allocUnsafeSlow(64 << 20);
    for (let i = 0; i < block.length; i += 4096) block[i] = 1;
  }
  const cpu = process.cpuUsage(cpu0);
  const faults = minorFaultsOfThisProcess() - f0;
  return { microsPerFault: faults > 0 ? Math.round(((cpu.user + cpu.system) / faults) * 10) / 10 : 0, faults };
}

/** PostgreSQL's WAL position in bytes: the difference over a phase is what it wrote durably, for all databases. */
export async function walPosition(pgUrl: string): Promise<bigint> {
  const c = new Client({ connectionString: pgUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ lsn: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS lsn`);
    return BigInt(rows[0]!.lsn.split('.')[0]!);
  } finally {
    await c.end();
  }
}
