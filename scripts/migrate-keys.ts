/**
 * `node dist/scripts/migrate-keys.js`: the keys database's migrations, as its owner, and the grants of the role the
 * services verify keys as (`<database>_verifier`). What `npm run migrate` does for the keys database, alone: for a
 * deployment whose roles and users are made by operators (deploy/k8s runs it as a Job), the services migrating their own
 * databases as they start. Env: AUTH_DATABASE_URL (or AUTH_DATABASE_URL_FILE; the password apart in
 * AUTH_DATABASE_PASSWORD or AUTH_DATABASE_PASSWORD_FILE), the owner's.
 */
import 'reflect-metadata';
import { resolveSecretEnv } from '@chanjiao/config';
import { databaseName } from '@chanjiao/persistence';
import { takesNoArguments } from './cli';
import { migrateKeysDatabase } from './provision/databases';

async function main(): Promise<void> {
  const url = resolveSecretEnv(process.env).AUTH_DATABASE_URL;
  if (url === undefined) throw new Error('AUTH_DATABASE_URL (or AUTH_DATABASE_URL_FILE) is not set: the keys database, as its owner');
  const verifier = `${databaseName(url)}_verifier`;
  await migrateKeysDatabase(url, verifier);
  console.log(`keys database ${databaseName(url)} migrated; ${verifier} may read the keys`);
}

if (require.main === module) {
  takesNoArguments(
    'usage: node dist/scripts/migrate-keys.js\n  migrates the keys database as its owner and grants <database>_verifier what the services need (env: AUTH_DATABASE_URL, AUTH_DATABASE_PASSWORD or their _FILE)',
  );
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
