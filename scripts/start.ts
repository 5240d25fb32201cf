/**
 * `npm start`: creates missing databases, runs migrations, then starts every service against the local PostgreSQL
 * and RabbitMQ (env overrides the defaults, see `stackPlan`), each as its own process, and says when all of them
 * answer `/health`. Ctrl-C (SIGINT) or SIGTERM stops them gracefully; a second one kills them.
 *
 * It exits 0 only when every service stopped cleanly on request. A service that does not come up or exits by itself
 * stops the others, and `npm start` exits 1, so a process manager sees the failure.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { serviceNodeFlags } from '@chanjiao/persistence';
import { APPS } from './apps';
import { migrateAll } from './migrate';
import { inheritedEnv, ServiceProcess, spawnService, stopProcess, waitHealthy } from './service-process';
import { takesNoArguments } from './cli';
import { StackApp, stackPlan } from './stack-plan';

const say = (line: string) => console.log(`[start] ${line}`);

async function main(): Promise<number> {
  takesNoArguments(
    'usage: npm start\n  migrates, then runs the five services until Ctrl-C (README: "Without Docker"; env: DATABASE_URL, <SERVICE>_PORT, <SERVICE>_DATABASE_URL, …)',
  );
  const plan = stackPlan();
  await portsFree(plan);
  await migrateAll(plan, (line) => console.log(`[migrate] ${line}`));

  const services: ServiceProcess[] = [];
  let failed = false;
  let stopping: Promise<unknown> | undefined;
  const stopAll = (why: string) => {
    if (stopping) return;
    say(`${why}: stopping the services…`);
    stopping = Promise.all(services.map((p) => stopProcess(p)));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: killing the services`);
      for (const p of services) p.child.kill('SIGKILL');
      return;
    }
    stopAll(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  for (const [app, spec] of Object.entries(APPS)) {
    const { databaseUrl, port } = plan.apps[app as StackApp];
    const env = Object.assign(inheritedEnv(), {
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      AUTH_DATABASE_URL: plan.authDatabaseUrl,
      MIGRATIONS_RUN: 'false',
    });
    const command = [process.execPath, ...serviceNodeFlags(app), join(__dirname, '..', spec.main)];
    const p = spawnService(app, command, env, port, { onLine: (line) => console.log(`[${app}] ${line}`) });
    services.push(p);
    say(`${app} (pid ${p.child.pid}) on ${p.url} (OpenAPI at /docs)`);
    void p.exited.then(({ code, signal }) => {
      // Services stopped on request, or because another failed, are not to blame.
      if (stopping) return;
      failed = true;
      say(`${app} exited by itself (${signal ?? `code ${code}`})`);
      stopAll('a service failed');
    });
  }

  try {
    await Promise.all(services.map((p) => waitHealthy(p)));
    if (!stopping) say(`ready: ${services.map((p) => `${p.name} ${p.url}`).join(', ')}`);
  } catch (e) {
    // waitHealthy's message ends with the service's output, printed already as it came.
    if (!stopping) {
      failed = true;
      say((e as Error).message.split('\n')[0]!);
      stopAll('a service did not come up');
    }
  }
  const exits = await Promise.all(services.map((p) => p.exited));
  // Nest closes the app on SIGTERM, then raises the signal again: a clean stop ends by it or by exit 0.
  const unclean = exits.filter((x) => !(x.code === 0 || x.signal === 'SIGTERM' || x.signal === 'SIGINT')).length;
  if (unclean > 0) say(`${unclean} of ${services.length} services did not exit cleanly`);
  return failed || unclean > 0 ? 1 : 0;
}

/** Every service's port must be free before anything starts: another stack on it would answer our readiness check. */
async function portsFree(plan: ReturnType<typeof stackPlan>): Promise<void> {
  for (const [app, { port }] of Object.entries(plan.apps)) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
    });
    if (!free) throw new Error(`port ${port} (${app.toUpperCase()}_PORT) is in use: stop what holds it, or set ${app.toUpperCase()}_PORT`);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
