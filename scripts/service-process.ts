import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * A service running as its own process, as in a deployment: spawned, waited for until healthy, stopped
 * gracefully. Shared by the tests that run services from dist/ and by the benchmark.
 */
export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Its stdout and stderr, line by line (the last 5,000). */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  cwd?: string;
  /** Called with each line of output as it comes (the lines are kept either way). */
  onLine?: (line: string) => void;
}

/** Spawns `command` with exactly `env` (plus PATH); the service listens on `port`. */
export function spawnService(
  name: string,
  command: string[],
  env: Record<string, string>,
  port: number,
  options: SpawnOptions = {},
): ServiceProcess {
  const child = spawn(command[0]!, command.slice(1), { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...env } });
  const lines: string[] = [];
  const keep = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
      if (options.onLine) for (const line of parts) options.onLine(line);
      if (lines.length > 5000) lines.splice(0, lines.length - 5000);
    });
  };
  keep(child.stdout!);
  keep(child.stderr!);
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { name, url: `http://127.0.0.1:${port}`, child, lines, exited };
}

/** Resolves when GET /health answers 200 (ready: database, broker and, for reporting, its consumer). */
export async function waitHealthy(p: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.lines.slice(-100).join('\n')}`);
    }
    const ok = await fetch(`${p.url}/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${p.name} not healthy after ${timeoutMs / 1000} s:\n${p.lines.slice(-100).join('\n')}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopProcess(p: ServiceProcess, graceMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The current environment without unset entries, to pass on to a service. */
export function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * `env` without what holds credentials or says where they are (`*_URL`, `*_PASSWORD`, their `_FILE`s, the secrets
 * folder): a service gets its own credentials, and no one else's.
 */
export function withoutCredentials(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/(_URL|_PASSWORD)(_FILE)?$|^CHANJIAO_SECRETS_DIR$/.test(name)));
}
