/**
 * `node dist/scripts/migrate-app.js <app>…`: each named app's migrations, as its own role (the database's owner), and
 * for reporting the BI role's grants on the views it made. What `npm run migrate` does per app, alone: for a deployment
 * whose roles and users are made by operators (deploy/k8s runs it as the Job chanjiao-migrate before the apps start,
 * with MIGRATIONS_RUN=false in the apps). Env per app: <APP>_DATABASE_URL (its role, no password) and
 * <APP>_DATABASE_PASSWORD (or either's _FILE); reporting's migrations also read LOCAL_REGION_PREFIX.
 */
import 'reflect-metadata';
import { secretFromEnv, withCredentials } from '@chanjiao/config';
import { biReaderRole } from '../apps/reporting/src/bi/bi-reader';
import { APPS } from './apps';
import { migrateAppDatabase } from './migrate';
import { grantBiReader } from './provision/databases';

export async function migrateApps(apps: string[], env: NodeJS.ProcessEnv, log: (line: string) => void = console.log): Promise<void> {
  if (apps.length === 0) throw new Error(`name the apps to migrate: ${Object.keys(APPS).join(', ')}`);
  for (const app of apps) {
    const name = `${app.toUpperCase()}_DATABASE`;
    const url = secretFromEnv(env, `${name}_URL`);
    if (url === undefined) throw new Error(`${name}_URL (or ${name}_URL_FILE) is not set: ${app}'s database, as its role`);
    const password = secretFromEnv(env, `${name}_PASSWORD`);
    const ownerUrl = password === undefined ? url : withCredentials(url, { password });
    await migrateAppDatabase(app, ownerUrl, log);
    if (app === 'reporting') await grantBiReader(ownerUrl, biReaderRole(decodeURIComponent(new URL(url).username)));
  }
}

if (require.main === module) {
  migrateApps(process.argv.slice(2), process.env).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
