import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { withDatabase } from '@chanjiao/persistence';

/**
 * A password as PostgreSQL stores it for SCRAM-SHA-256 (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`).
 * Given to `CREATE ROLE … PASSWORD`, PostgreSQL keeps it as it is: the password itself never reaches the server, nor
 * its log should a statement be logged. The password is printable ASCII (`checkedPassword`), which SASLprep leaves as
 * it is.
 */
export function scramSecret(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** A connection to the server of `url` as the same user, in database `database` (`postgres` by default). */
export async function connectTo(url: string, database = 'postgres'): Promise<Client> {
  const client = new Client({ connectionString: withDatabase(url, database), application_name: 'chanjiao-migrate' });
  await client.connect();
  return client;
}

/**
 * Makes `role` a login role with `password` and no power beyond what is granted to it: not a superuser, may not
 * create databases or roles, replicate or bypass row security (an existing role loses those). Refuses the role the
 * admin connects as and any superuser: those are never a service's, and never changed here.
 */
export async function ensureServiceRole(admin: Client, role: string, password: string): Promise<void> {
  const me = (await admin.query<{ me: string }>('SELECT current_user AS me')).rows[0]!.me;
  if (role === me) throw new Error(`the role "${role}" is the one npm run migrate connects as: a service's database needs another name`);
  const found = await admin.query<{
    rolsuper: boolean;
    rolcreatedb: boolean;
    rolcreaterole: boolean;
    rolreplication: boolean;
    rolbypassrls: boolean;
  }>('SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1', [role]);
  const secret = escapeLiteral(scramSecret(password));
  const existing = found.rows[0];
  if (existing?.rolsuper) {
    throw new Error(
      `the role "${role}" is a superuser: it cannot be a service's role (named after its database); give the database another name`,
    );
  }
  if (!existing) {
    try {
      // The defaults: NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS.
      await admin.query(`CREATE ROLE ${escapeIdentifier(role)} LOGIN PASSWORD ${secret}`);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '42710') throw e; // created meanwhile by another migrate: set it as below
    }
  }
  const drop = [
    existing?.rolcreatedb && 'NOCREATEDB',
    existing?.rolcreaterole && 'NOCREATEROLE',
    existing?.rolreplication && 'NOREPLICATION',
    existing?.rolbypassrls && 'NOBYPASSRLS',
  ].filter(Boolean);
  await admin.query(`ALTER ROLE ${escapeIdentifier(role)} LOGIN ${drop.join(' ')} PASSWORD ${secret}`);
}

/**
 * The database `name`, owned by `owner` (created, or handed over), and reachable only by its owner and `readers`:
 * PUBLIC's CONNECT and TEMPORARY are revoked, so no other service's role can even connect to it.
 */
export async function ensureOwnedDatabase(admin: Client, name: string, owner: string, readers: readonly string[] = []): Promise<void> {
  const db = escapeIdentifier(name);
  const found = await admin.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [name]);
  if (found.rowCount === 0) {
    try {
      await admin.query(`CREATE DATABASE ${db} OWNER ${escapeIdentifier(owner)}`);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P04') throw e; // created meanwhile by another migrate
      await admin.query(`ALTER DATABASE ${db} OWNER TO ${escapeIdentifier(owner)}`);
    }
  } else if (found.rows[0]!.owner !== owner) {
    await admin.query(`ALTER DATABASE ${db} OWNER TO ${escapeIdentifier(owner)}`);
  }
  await admin.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
  for (const reader of readers) await admin.query(`GRANT CONNECT ON DATABASE ${db} TO ${escapeIdentifier(reader)}`);
}

/** Sets `settings` for `role` whenever it connects to `database` (`ALTER ROLE … IN DATABASE … SET`, as the admin). */
export async function ensureRoleSettings(
  admin: Client,
  role: string,
  database: string,
  settings: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`not a setting name: ${name}`);
    await admin.query(
      `ALTER ROLE ${escapeIdentifier(role)} IN DATABASE ${escapeIdentifier(database)} SET ${name} = ${escapeLiteral(value)}`,
    );
  }
}

/** The schemas a database's own objects live in: `public` and those its migrations made (`bi` in reporting's). */
const OWN_SCHEMAS = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`;

/**
 * Hands `owner` the schemas, tables, views, sequences and functions someone else owns: those of a stack migrated before
 * the services had roles of their own (by `postgres`), or made by a tool run as the admin since (`npm run verify`
 * migrating the keys database). Sequences that belong to a table follow it; `public` itself stays as PostgreSQL made it.
 */
export async function adoptObjects(client: Client, owner: string): Promise<number> {
  // Schemas first: a schema's owner may then alter what is in it.
  const schemas = await client.query<{ statement: string }>(
    `SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, $1::text) AS statement
       FROM pg_namespace n
      WHERE ${OWN_SCHEMAS} AND n.nspname <> 'public' AND pg_get_userbyid(n.nspowner) <> $1`,
    [owner],
  );
  const { rows } = await client.query<{ statement: string }>(
    `SELECT format('ALTER %s %s OWNER TO %I',
              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              c.oid::regclass, $1::text) AS statement
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${OWN_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $1
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')))
     UNION ALL
     SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, $1::text)
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${OWN_SCHEMAS} AND pg_get_userbyid(p.proowner) <> $1
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`,
    [owner],
  );
  const statements = [...schemas.rows, ...rows].map((r) => r.statement);
  for (const statement of statements) await client.query(statement);
  return statements.length;
}

/** Drops the roles (after their databases): for tests, which make roles of their own. */
export async function dropRoles(serverUrl: string, roles: readonly string[]): Promise<void> {
  const admin = await connectTo(serverUrl);
  try {
    for (const role of roles) await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(role)}`);
  } finally {
    await admin.end();
  }
}
