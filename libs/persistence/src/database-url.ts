import { Client } from 'pg';

/** Same server, another database: used to derive each service's URL from one server URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  return name;
}

/**
 * Creates the database named in `url` if missing (connecting to `postgres` on the same server). A database that
 * answers is left alone without touching `postgres`: a service's role may connect to its own database only.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const own = new Client({ connectionString: url });
  try {
    await own.connect();
    return;
  } catch (e) {
    // 3D000 invalid_catalog_name: it does not exist yet. Anything else (no access, server away) is the caller's to see.
    if ((e as { code?: string }).code !== '3D000') throw e;
  } finally {
    await own.end().catch(() => undefined);
  }
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } catch (e) {
        // Two processes racing to create it: the loser sees duplicate_database (42P04), which is fine.
        if ((e as { code?: string }).code !== '42P04') throw e;
      }
    }
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Runs `work` in one transaction on `client`: committed when it resolves, rolled back when it throws. */
export async function inTransactionOn<C extends { query(sql: string): Promise<unknown> }, T>(
  client: C,
  work: (client: C) => Promise<T>,
): Promise<T> {
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** As {@link inTransactionOn}, on a connection of its own to `url` (as `applicationName`): for one-off work such as a migrate step's grants. */
export async function inOneTransaction<T>(url: string, applicationName: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  try {
    return await inTransactionOn(client, work);
  } finally {
    await client.end();
  }
}
