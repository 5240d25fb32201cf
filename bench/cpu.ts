import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * CPU time by component, read from /proc: where a phase's cycles went on this box (the services, PostgreSQL's
 * backends, RabbitMQ's Erlang VM, the load generator). Divided by the events of a phase, it says what an event
 * costs end to end, a figure that moves less between runs than throughput on a shared machine.
 */
export type CpuSnapshot = Map<number, { group: string; ticks: number }>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function ticksOf(pid: number): { comm: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after comm and state.
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
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
    const t = ticksOf(pid);
    if (!t) continue;
    const group =
      named.get(pid) ??
      (t.comm.startsWith('postgres') ? 'postgresql' : t.comm.startsWith('beam') || t.comm.startsWith('erl') ? 'rabbitmq' : 'other');
    out.set(pid, { group, ticks: t.ticks });
  }
  return out;
}

/** CPU seconds per group between two snapshots (processes that started in between count from zero). */
export function cpuSecondsBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const [pid, { group, ticks }] of after) {
    const delta = ticks - (before.get(pid)?.ticks ?? 0);
    if (delta > 0) seconds[group] = (seconds[group] ?? 0) + delta / TICKS_PER_SECOND;
  }
  return seconds;
}

/** Microseconds of CPU per operation (an event, a write, a read), by group and in total. */
export function cpuMicrosPer(seconds: Record<string, number>, operations: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [group, s] of Object.entries(seconds).sort(([, a], [, b]) => b - a)) {
    out[group] = Math.round((s / operations) * 1e6);
    total += s;
  }
  out.total = Math.round((total / operations) * 1e6);
  return out;
}

/** Counts every process's CPU from now: `microsPer(n)` is what has been spent since, per operation. */
export function startCpuMeter(pids: () => Record<string, number | undefined>): {
  microsPer: (operations: number) => Record<string, number>;
} {
  const before = cpuSnapshot(pids());
  return { microsPer: (operations) => cpuMicrosPer(cpuSecondsBetween(before, cpuSnapshot(pids())), operations) };
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
