import { AUTH_DATABASE, DEFAULT_PG_SERVER, DEFAULT_PORTS, withDatabase } from '@chanjiao/persistence';

export type StackApp = keyof typeof DEFAULT_PORTS;

/** Where `npm start` and `npm run migrate` put each service: its database and port, and the keys database. */
export interface StackPlan {
  server: string;
  apps: Record<StackApp, { databaseUrl: string; port: number }>;
  authDatabaseUrl: string;
}

/**
 * Reads the plan from env, with the local defaults of DESIGN.md §1: every database on the `DATABASE_URL` server
 * under the service's name, unless `<SERVICE>_DATABASE_URL` names one (a second stack beside the first, or a
 * test's); the port of DESIGN.md §1 unless `<SERVICE>_PORT` sets one. Throws naming the variable that is invalid.
 */
export function stackPlan(env: NodeJS.ProcessEnv = process.env): StackPlan {
  const server = postgresUrl('DATABASE_URL', env.DATABASE_URL ?? DEFAULT_PG_SERVER);
  const apps = {} as StackPlan['apps'];
  for (const app of Object.keys(DEFAULT_PORTS) as StackApp[]) {
    const name = app.toUpperCase();
    const database = env[`${name}_DATABASE_URL`];
    apps[app] = {
      databaseUrl: database === undefined ? withDatabase(server, app) : postgresUrl(`${name}_DATABASE_URL`, database),
      port: port(`${name}_PORT`, env[`${name}_PORT`] ?? String(DEFAULT_PORTS[app])),
    };
  }
  const taken = new Map<number, StackApp>();
  for (const [app, { port }] of Object.entries(apps) as Array<[StackApp, { port: number }]>) {
    const other = taken.get(port);
    if (other)
      throw new Error(`${app.toUpperCase()}_PORT and ${other.toUpperCase()}_PORT are both ${port}: each service needs its own port`);
    taken.set(port, app);
  }
  return { server, apps, authDatabaseUrl: authDatabaseUrl(env) };
}

/** The keys database alone (`npm run keys` needs nothing else): `AUTH_DATABASE_URL`, else `chanjiao_auth` on the server. */
export function authDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
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
    throw new Error(`${variable} must be a postgres:// URL, got "${value}"`);
  }
  return value;
}

function port(variable: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new Error(`${variable} must be a port number (1–65535), got "${value}"`);
  return n;
}
