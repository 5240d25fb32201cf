import { AUTH_DATABASE, DEFAULT_PG_SERVER, DEFAULT_PORTS, redactUrl, resolveSecretEnv, zAmqpUrls } from '@chanjiao/config';
import { databaseName, withDatabase } from '@chanjiao/persistence';
import { biReaderRole } from '../apps/reporting/src/bi/bi-reader';

export type StackApp = keyof typeof DEFAULT_PORTS;
export const STACK_APPS = Object.keys(DEFAULT_PORTS) as StackApp[];

export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Where `npm start` and `npm run migrate` put each service: its database (the URL as the admin reaches it) and port,
 * the PostgreSQL role and RabbitMQ user it runs as, and the keys database with its two roles.
 */
export interface StackPlan {
  /** The PostgreSQL server, as its admin (a role that may create roles and databases). */
  server: string;
  /** `role`: the service's PostgreSQL role and RabbitMQ user, named after its database. */
  apps: Record<StackApp, { databaseUrl: string; port: number; role: string }>;
  authDatabaseUrl: string;
  /** The keys database's owner (`npm run keys`, its migrations) and the role the services verify keys as. */
  auth: { owner: string; verifier: string };
  /** The read-only role BI tools connect to the reporting database as: it may read the `bi` views only (`<reporting role>_bi`). */
  bi: { role: string };
  /** The broker, as its admin (declares the exchange and queues; the services' users are made apart). */
  amqpUrl: string;
}

/**
 * Reads the plan from env, with the local defaults of DESIGN.md §1: every database on the `DATABASE_URL` server
 * under the service's name, unless `<SERVICE>_DATABASE_URL` names one (a second stack beside the first, or a
 * test's); the port of DESIGN.md §1 unless `<SERVICE>_PORT` sets one. These URLs, `AUTH_DATABASE_URL` and `AMQP_URL`
 * are the admin's (a password may come apart, as `DATABASE_PASSWORD`, `AMQP_PASSWORD`, … or their `_FILE`s); each
 * service runs as a role and a broker user named after its database (`enrollment`), the keys database's owner is named
 * after it (`chanjiao_auth`) and the services read keys as `<owner>_verifier`; BI tools read reporting's views as
 * `<reporting role>_bi`. Throws naming the variable that is
 * invalid, never showing a password.
 */
export function stackPlan(rawEnv: NodeJS.ProcessEnv = process.env): StackPlan {
  const env = resolveSecretEnv(rawEnv);
  const server = postgresUrl('DATABASE_URL', env.DATABASE_URL ?? DEFAULT_PG_SERVER);
  const apps = {} as StackPlan['apps'];
  for (const app of STACK_APPS) {
    const name = app.toUpperCase();
    const database = env[`${name}_DATABASE_URL`];
    const databaseUrl = database === undefined ? withDatabase(server, app) : postgresUrl(`${name}_DATABASE_URL`, database);
    apps[app] = {
      databaseUrl,
      port: port(`${name}_PORT`, env[`${name}_PORT`] ?? String(DEFAULT_PORTS[app])),
      role: roleName(`${name}_DATABASE_URL`, databaseUrl),
    };
  }
  const taken = new Map<number, StackApp>();
  for (const [app, { port }] of Object.entries(apps) as Array<[StackApp, { port: number }]>) {
    const other = taken.get(port);
    if (other)
      throw new Error(`${app.toUpperCase()}_PORT and ${other.toUpperCase()}_PORT are both ${port}: each service needs its own port`);
    taken.set(port, app);
  }
  const auth = authDatabaseUrl(env);
  const owner = roleName('AUTH_DATABASE_URL', auth);
  const amqpUrl = env.AMQP_URL ?? DEFAULT_AMQP_URL;
  if (!zAmqpUrls.safeParse(amqpUrl).success)
    throw new Error(`AMQP_URL must be an amqp:// URL or a comma-separated list of them, got "${redactUrl(amqpUrl)}"`);
  const plan: StackPlan = {
    server,
    apps,
    authDatabaseUrl: auth,
    auth: { owner, verifier: `${owner}_verifier` },
    bi: { role: biReaderRole(apps.reporting.role) },
    amqpUrl,
  };
  const roles = new Map<string, string>();
  for (const [what, role] of [
    ...STACK_APPS.map((app) => [app, plan.apps[app].role]),
    ['the keys database', owner],
    ['the keys verifier', plan.auth.verifier],
    ['the BI reader of reporting', plan.bi.role],
  ] as Array<[string, string]>) {
    const other = roles.get(role);
    if (other)
      throw new Error(
        `${other} and ${what} have the same role "${role}" (roles are named after databases): give each database a name of its own`,
      );
    roles.set(role, what);
  }
  return plan;
}

/** The role named after the database of `url` (checked to be a plain lower-case name). */
function roleName(variable: string, url: string): string {
  try {
    return databaseName(url);
  } catch (e) {
    throw new Error(
      `${variable}: ${(e as Error).message}: the service's role is named after its database, which must be lower-case letters, digits and _`,
    );
  }
}

/** The keys database alone (`npm run keys` needs nothing else): `AUTH_DATABASE_URL`, else `chanjiao_auth` on the server. */
export function authDatabaseUrl(rawEnv: NodeJS.ProcessEnv = process.env): string {
  const env = resolveSecretEnv(rawEnv);
  const auth = env.AUTH_DATABASE_URL;
  if (auth !== undefined) return postgresUrl('AUTH_DATABASE_URL', auth);
  return withDatabase(postgresUrl('DATABASE_URL', env.DATABASE_URL ?? DEFAULT_PG_SERVER), AUTH_DATABASE);
}

function postgresUrl(variable: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new Error(`${variable} must be a postgres:// URL, got "${redactUrl(value)}"`);
  }
  return value;
}

function port(variable: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new Error(`${variable} must be a port number (1–65535), got "${value}"`);
  return n;
}
