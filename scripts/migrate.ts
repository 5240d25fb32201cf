/**
 * `npm run migrate`: gives each service a PostgreSQL role and a RabbitMQ user of its own (and BI tools a role that reads
 * reporting's `bi` views only), creates missing databases, applies every app's migrations (and the keys database's),
 * and declares the exchange and queues.
 */
import 'reflect-metadata';
import {
  assertConsumerTopology,
  brokerUserDefinitions,
  connectAnyNode,
  ConsumerTopology,
  consumerGrant,
  ensureExchange,
  publisherGrant,
  replaceOutdatedRetryQueues,
  vhostOf,
} from '@chanjiao/messaging';
import { amqpNodes, secretFromEnv } from '@chanjiao/config';
import { createDataSource, runMigrations } from '@chanjiao/persistence';
import { loadReportingEnv, reportingTopology } from '../apps/reporting/src/config';
import { APPS } from './apps';
import { takesNoArguments } from './cli';
import { grantBiReader, migrateKeysDatabase, provisionDatabases } from './provision/databases';
import { brokerAdmin } from './provision/rabbitmq';
import { STACK_APPS, StackPlan, stackPlan } from './stack-plan';
import { StackCredentials, stackCredentials } from './stack-secrets';

/** Declares the exchange and the consumers' queues before any service publishes, as the broker's admin (`AMQP_URL`). */
export async function declareTopology(amqpUrl: string, topology: ConsumerTopology, log: (line: string) => void): Promise<void> {
  const conn = await connectAnyNode(amqpUrl);
  // A connection closed by the broker also rejects the operation in flight, whose error says what went wrong.
  conn.on('error', () => undefined);
  try {
    await ensureExchange(conn, topology.exchange);
    await replaceOutdatedRetryQueues(conn, topology, log);
    const ch = await conn.createChannel();
    await assertConsumerTopology(ch, topology);
    await ch.close();
    log(`rabbitmq: exchange ${topology.exchange}, queue ${topology.queue} ready`);
  } finally {
    await conn.close();
  }
}

/** Each service's RabbitMQ user, with the permissions of `publisherGrant` / `consumerGrant`, in `AMQP_URL`'s vhost. */
export async function provisionBrokerUsers(
  plan: StackPlan,
  credentials: StackCredentials,
  topology: ConsumerTopology,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  const admin = decodeURIComponent(new URL(amqpNodes(plan.amqpUrl)[0]!).username);
  const users = STACK_APPS.map((app) => ({
    name: plan.apps[app].role,
    password: credentials.apps[app].brokerPassword,
    grant: app === 'reporting' ? consumerGrant(topology) : publisherGrant(app, topology.exchange),
  }));
  const clash = users.find((u) => u.name === admin);
  if (clash)
    throw new Error(
      `the RabbitMQ user "${admin}" of AMQP_URL is the admin: a service's user (named after its database) needs another name`,
    );
  const broker = brokerAdmin(plan.amqpUrl, secretFromEnv(env, 'RABBITMQ_MANAGEMENT_URL'));
  await broker.importDefinitions(brokerUserDefinitions(vhostOf(plan.amqpUrl), users));
  log(
    `rabbitmq: users ${users.map((u) => u.name).join(', ')} (writers publish only their own events; reporting reads only its queues), via ${broker.via}`,
  );
}

/**
 * Everything `npm start` does before it starts the services; returns the credentials each service then connects with.
 * Passwords come from env, `*_FILE`, or `.chanjiao/secrets` (generated there when none is given: stackCredentials).
 */
/** One app's migrations, as the role of `url` (the database's owner). */
export async function migrateAppDatabase(app: string, url: string, log: (line: string) => void): Promise<void> {
  const spec = APPS[app];
  if (!spec) throw new Error(`unknown app ${app}: one of ${Object.keys(APPS).join(', ')}`);
  const ds = createDataSource({ url, entities: spec.entities, migrations: spec.migrations, poolSize: 2 });
  await ds.initialize();
  try {
    const applied = await runMigrations(ds);
    log(`${app}: ${applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'up to date'}`);
  } finally {
    await ds.destroy();
  }
}

export async function migrateAll(plan: StackPlan, log: (line: string) => void = console.log, env = process.env): Promise<StackCredentials> {
  // A bad broker or consumer setting stops it before anything is touched.
  const topology = reportingTopology(loadReportingEnv(env));
  const credentials = stackCredentials(plan, env);
  await provisionDatabases(plan, credentials, log);
  await migrateKeysDatabase(credentials.auth.ownerUrl, plan.auth.verifier);
  for (const app of STACK_APPS) await migrateAppDatabase(app, credentials.apps[app].databaseUrl, log);
  await grantBiReader(credentials.apps.reporting.databaseUrl, plan.bi.role);
  await provisionBrokerUsers(plan, credentials, topology, env, log);
  await declareTopology(plan.amqpUrl, topology, log);
  return credentials;
}

if (require.main === module) {
  takesNoArguments(
    "usage: npm run migrate\n  gives each service its own PostgreSQL role and RabbitMQ user (BI tools a read-only role), creates missing databases, applies every service's migrations and the keys database's, and declares the exchange and queues\n  (env as for npm start: DATABASE_URL, <SERVICE>_DATABASE_URL, AUTH_DATABASE_URL, AMQP_URL, RABBITMQ_MANAGEMENT_URL, EVENTS_EXCHANGE, CONSUMER_QUEUE, the passwords <SERVICE>_DB_PASSWORD, <SERVICE>_AMQP_PASSWORD, AUTH_DB_PASSWORD, AUTH_VERIFIER_DB_PASSWORD, REPORTING_BI_DB_PASSWORD or their _FILE, else kept in .chanjiao/secrets)",
  );
  Promise.resolve()
    .then(() => migrateAll(stackPlan()))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
