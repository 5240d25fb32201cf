import { grantKeyVerifier, migrateAuthDatabase } from '@chanjiao/auth';
import { resolveSecretEnv } from '@chanjiao/config';
import { databaseName, inOneTransaction } from '@chanjiao/persistence';
import { BI_READER_SETTINGS, biReaderGrants } from '../../apps/reporting/src/bi/bi-reader';
import { StackPlan, STACK_APPS, stackPlan } from '../stack-plan';
import { StackCredentials, stackCredentials } from '../stack-secrets';
import { adoptObjects, connectTo, ensureOwnedDatabase, ensureRoleSettings, ensureServiceRole } from './postgres';

/** A database with its owner role and the roles that may read in it (with settings of theirs there), and their passwords. */
export interface OwnedDatabase {
  url: string;
  owner: string;
  password: string;
  readers: Array<{ role: string; password: string; settings?: Readonly<Record<string, string>> }>;
}

function ownedDatabases(plan: StackPlan, credentials: StackCredentials): { apps: OwnedDatabase[]; keys: OwnedDatabase } {
  return {
    apps: STACK_APPS.map((app) => ({
      url: plan.apps[app].databaseUrl,
      owner: plan.apps[app].role,
      password: credentials.apps[app].databasePassword,
      // BI tools read reporting's views (and nothing else there: grantBiReader).
      readers: app === 'reporting' ? [{ role: plan.bi.role, password: credentials.bi.password, settings: BI_READER_SETTINGS }] : [],
    })),
    keys: {
      url: plan.authDatabaseUrl,
      owner: plan.auth.owner,
      password: credentials.auth.ownerPassword,
      readers: [{ role: plan.auth.verifier, password: credentials.auth.verifierPassword }],
    },
  };
}

/**
 * As the PostgreSQL admin of its server (the database's URL as given): the owner's login role (no other power), the
 * readers' roles (and their settings in the database), the database owned by the owner and reachable by them alone;
 * objects in it an earlier version made as the admin handed to the owner.
 */
export async function provisionDatabase({ url, owner, password, readers }: OwnedDatabase, log: (line: string) => void): Promise<void> {
  const admin = await connectTo(url);
  try {
    await ensureServiceRole(admin, owner, password);
    for (const reader of readers) await ensureServiceRole(admin, reader.role, reader.password);
    await ensureOwnedDatabase(
      admin,
      databaseName(url),
      owner,
      readers.map((r) => r.role),
    );
    for (const reader of readers) await ensureRoleSettings(admin, reader.role, databaseName(url), reader.settings ?? {});
  } finally {
    await admin.end();
  }
  const inside = await connectTo(url, databaseName(url));
  try {
    const adopted = await adoptObjects(inside, owner);
    if (adopted > 0) log(`postgres: ${databaseName(url)}: ${adopted} objects another role made handed to ${owner}`);
  } finally {
    await inside.end();
  }
}

/**
 * Each service's login role (named after its database) owning its database, which nobody else may connect to; the
 * keys database owned by its own role, which the services reach as the verifier role.
 */
export async function provisionDatabases(plan: StackPlan, credentials: StackCredentials, log: (line: string) => void): Promise<void> {
  const { apps, keys } = ownedDatabases(plan, credentials);
  for (const db of [...apps, keys]) await provisionDatabase(db, log);
  log(
    `postgres: roles ${[...apps, keys].map((db) => db.owner).join(', ')} each own their database, which only they may connect to; ` +
      `the services read keys as ${plan.auth.verifier}, BI tools ${plan.apps.reporting.role}'s views as ${plan.bi.role}`,
  );
}

/**
 * The BI role's grants in the reporting database (`biReaderGrants`: the `bi` views, nothing else), as its owner, after
 * its migrations: so that a database migrated before the role existed ends as a fresh one does.
 */
export async function grantBiReader(ownerUrl: string, role: string): Promise<void> {
  await inOneTransaction(ownerUrl, 'chanjiao-migrate', async (client) => {
    for (const statement of biReaderGrants(role)) await client.query(statement);
  });
}

/** The keys database's migrations, as its owner, then the verifier's grants (on the tables as they now are). */
export async function migrateKeysDatabase(ownerUrl: string, verifier: string): Promise<void> {
  await migrateAuthDatabase(ownerUrl);
  await grantKeyVerifier(ownerUrl, verifier);
}

/**
 * The keys database for `npm run keys`: `AUTH_DATABASE_URL` (or its `_FILE`, a password apart) as given, migrated as
 * that; else the one `npm start` uses, reached as its owner role (made, with the verifier, if missing).
 */
export async function keysDatabaseUrl(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = resolveSecretEnv(env).AUTH_DATABASE_URL;
  if (given !== undefined) {
    await migrateAuthDatabase(given);
    return given;
  }
  return provisionKeysDatabase(stackPlan(env), env);
}

/** The keys database of `plan` with its two roles (made as its admin, if missing), migrated: its owner's URL. */
export async function provisionKeysDatabase(plan: StackPlan, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const credentials = stackCredentials(plan, env);
  await provisionDatabase(ownedDatabases(plan, credentials).keys, () => undefined);
  await migrateKeysDatabase(credentials.auth.ownerUrl, plan.auth.verifier);
  return credentials.auth.ownerUrl;
}
