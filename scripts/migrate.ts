/** `npm run migrate`: creates missing databases and applies every app's migrations (and the keys database's). */
import 'reflect-metadata';
import { migrateAuthDatabase } from '@chanjiao/auth';
import { createDataSource, ensureDatabase, runMigrations } from '@chanjiao/persistence';
import { assertConsumerTopology, connectAnyNode, replaceOutdatedRetryQueues } from '@chanjiao/messaging';
import { loadReportingEnv, ReportingEnv, reportingTopology } from '../apps/reporting/src/config';
import { APPS } from './apps';
import { takesNoArguments } from './cli';
import { StackApp, StackPlan, stackPlan } from './stack-plan';

/** Declares the exchange and the consumers' queues before any service publishes. */
export async function declareTopology(env: ReportingEnv, log: (line: string) => void): Promise<void> {
  const conn = await connectAnyNode(env.AMQP_URL);
  // A connection closed by the broker also rejects the operation in flight, whose error says what went wrong.
  conn.on('error', () => undefined);
  try {
    const topology = reportingTopology(env);
    await replaceOutdatedRetryQueues(conn, topology, log);
    const ch = await conn.createChannel();
    await assertConsumerTopology(ch, topology);
    await ch.close();
    log(`rabbitmq: exchange ${topology.exchange}, queue ${topology.queue} ready`);
  } finally {
    await conn.close();
  }
}

export async function migrateAll(plan: StackPlan, log: (line: string) => void = console.log): Promise<void> {
  const env = loadReportingEnv(); // a bad broker or consumer setting stops it before any database is touched
  await migrateAuthDatabase(plan.authDatabaseUrl);
  for (const [app, spec] of Object.entries(APPS)) {
    const url = plan.apps[app as StackApp].databaseUrl;
    await ensureDatabase(url);
    const ds = createDataSource({ url, entities: spec.entities, migrations: spec.migrations, poolSize: 2 });
    await ds.initialize();
    try {
      const applied = await runMigrations(ds);
      log(`${app}: ${applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'up to date'}`);
    } finally {
      await ds.destroy();
    }
  }
  await declareTopology(env, log);
}

if (require.main === module) {
  takesNoArguments(
    "usage: npm run migrate\n  creates missing databases, applies every service's migrations and the keys database's, and declares the exchange and queues\n  (env as for npm start: DATABASE_URL, <SERVICE>_DATABASE_URL, AUTH_DATABASE_URL, AMQP_URL, EVENTS_EXCHANGE, CONSUMER_QUEUE)",
  );
  Promise.resolve()
    .then(() => migrateAll(stackPlan()))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
