/**
 * `npm start`: creates missing databases, runs migrations, then starts every service on the ports
 * of DESIGN.md §1 against the local PostgreSQL and RabbitMQ (env overrides the defaults).
 * Each service runs as its own process; Ctrl-C (SIGINT) or SIGTERM stops them all gracefully.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { AUTH_DATABASE, DEFAULT_PG_SERVER, DEFAULT_PORTS, serviceNodeFlags, withDatabase } from '@chanjiao/persistence';
import { APPS } from './apps';
import { migrateAll } from './migrate';

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL ?? DEFAULT_PG_SERVER;
  await migrateAll(server, (line) => console.log(`[migrate] ${line}`));
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[start] ${signal}: stopping services…`);
    for (const c of children) c.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const [app, spec] of Object.entries(APPS)) {
    const port = process.env[`${app.toUpperCase()}_PORT`] ?? String(DEFAULT_PORTS[app as keyof typeof DEFAULT_PORTS]);
    const child = spawn(process.execPath, [...serviceNodeFlags(app), join(__dirname, '..', spec.main)], {
      env: {
        ...process.env,
        PORT: port,
        DATABASE_URL: withDatabase(server, app),
        AUTH_DATABASE_URL: process.env.AUTH_DATABASE_URL ?? withDatabase(server, AUTH_DATABASE),
        MIGRATIONS_RUN: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[${app}] `;
    const forward = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) out.write(prefix + line + '\n');
      });
    };
    forward(child.stdout!, process.stdout);
    forward(child.stderr!, process.stderr);
    child.on('exit', (code, signal) => {
      console.log(`[start] ${app} exited (${signal ?? code})`);
      if (!stopping) stop('SIGTERM');
      if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(stopping && code === 0 ? 0 : (code ?? 0));
    });
    children.push(child);
    console.log(`[start] ${app} on http://127.0.0.1:${port} (OpenAPI at /docs)`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
