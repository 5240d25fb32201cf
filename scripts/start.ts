/**
 * `npm start`: creates missing databases, runs migrations, then starts every service against the local PostgreSQL
 * and RabbitMQ (env overrides the defaults, see `stackPlan`), each as its own process, and says when all of them
 * answer `/health`. Ctrl-C (SIGINT) or SIGTERM stops them gracefully; a second one kills them.
 *
 * It supervises each service as compose's restart policies and Kubernetes do (`Supervisor`): one that exits by itself
 * or does not become healthy is restarted alone, with a doubling backoff, while the others go on serving; after
 * START_MAX_FAILURES failures in a row it is given up on, with a line saying so, and the rest go on.
 *
 * It exits 0 when every service stopped cleanly on request (restarts on the way do not matter); 1 when it gave up on
 * any service (at once when it gave up on all of them, else once stopped), when one did not stop cleanly (a second
 * Ctrl-C), or when it refused to start (a port in use, an invalid setting), so a process manager sees the failure.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { serviceNodeFlags } from '@chanjiao/config';
import { APPS } from './apps';
import { migrateAll } from './migrate';
import { inheritedEnv, spawnService, withoutCredentials } from './service-process';
import { takesNoArguments } from './cli';
import { StackApp, stackPlan } from './stack-plan';
import { restartPolicy, Supervisor } from './supervisor';

const say = (line: string) => console.log(`[start] ${line}`);

async function main(): Promise<number> {
  takesNoArguments(
    'usage: npm start\n  migrates, then runs the five services until Ctrl-C, restarting one that dies (README: "Without Docker"; env: DATABASE_URL, <SERVICE>_PORT, <SERVICE>_DATABASE_URL, START_…)',
  );
  const plan = stackPlan();
  const policy = restartPolicy();
  await portsFree(plan);
  const credentials = await migrateAll(plan, (line) => console.log(`[migrate] ${line}`));

  const supervisors: Supervisor[] = [];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: killing the services`);
      for (const s of supervisors) s.kill();
      return;
    }
    stopping = true;
    say(`${signal}: stopping the services…`);
    for (const s of supervisors) void s.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const urls = new Map<string, string>();
  for (const [app, spec] of Object.entries(APPS)) {
    const { port } = plan.apps[app as StackApp];
    // Each service as its own role and broker user, with no other credentials: the admin's and the other services'
    // are taken out of what it inherits.
    const env = Object.assign(withoutCredentials(inheritedEnv()), {
      PORT: String(port),
      DATABASE_URL: credentials.apps[app as StackApp].databaseUrl,
      AUTH_DATABASE_URL: credentials.auth.verifierUrl,
      AMQP_URL: credentials.apps[app as StackApp].amqpUrl,
      MIGRATIONS_RUN: 'false',
    });
    const command = [process.execPath, ...serviceNodeFlags(app), join(__dirname, '..', spec.main)];
    const spawn = () => spawnService(app, command, env, port, { onLine: (line) => console.log(`[${app}] ${line}`) });
    supervisors.push(new Supervisor(app, spawn, policy, say));
    urls.set(app, `http://127.0.0.1:${port}`);
  }

  const first = await Promise.all(supervisors.map((s) => s.firstSettled));
  const up = supervisors.filter((_, i) => first[i] === 'healthy').map((s) => `${s.name} ${urls.get(s.name)}`);
  const lost = supervisors.filter((_, i) => first[i] === 'given-up').map((s) => s.name);
  if (!stopping && up.length > 0) say(`ready${lost.length > 0 ? ` without ${lost.join(', ')} (given up)` : ''}: ${up.join(', ')}`);

  const outcomes = await Promise.all(supervisors.map((s) => s.done));
  const givenUp = supervisors.filter((_, i) => outcomes[i]!.kind === 'given-up').map((s) => s.name);
  if (givenUp.length === supervisors.length) say('gave up on every service: nothing left to serve');
  // Nest closes the app on SIGTERM, then raises the signal again: a clean stop ends by it or by exit 0.
  const unclean = outcomes.filter(
    (o) => o.kind === 'stopped' && o.exit && !(o.exit.code === 0 || o.exit.signal === 'SIGTERM' || o.exit.signal === 'SIGINT'),
  );
  if (unclean.length > 0) say(`${unclean.length} of ${supervisors.length} services did not exit cleanly`);
  if (givenUp.length > 0) say(`exiting 1: gave up on ${givenUp.join(', ')}`);
  return givenUp.length > 0 || unclean.length > 0 ? 1 : 0;
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
