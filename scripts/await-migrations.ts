/**
 * `node dist/scripts/await-migrations.js <app>`: waits until every migration of this version of the app is applied in
 * DATABASE_URL's database (its own role; DATABASE_PASSWORD or the `_FILE`s), then exits 0; changes nothing. deploy/k8s
 * runs it as each Deployment's init container, so that no pod serves before the Job chanjiao-migrate has migrated the
 * version it runs (in a rolling update the old pods serve meanwhile).
 */
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveSecretEnv } from '@chanjiao/config';
import { createDataSource } from '@chanjiao/persistence';
import { APPS } from './apps';

/** The app's migrations not yet applied in the database of `url` (all of them where none ever was). */
export async function pendingMigrations(app: string, url: string): Promise<string[]> {
  const spec = APPS[app];
  if (!spec) throw new Error(`unknown app ${app}: one of ${Object.keys(APPS).join(', ')}`);
  const ds = createDataSource({ url, entities: spec.entities, migrations: spec.migrations, poolSize: 1 });
  await ds.initialize();
  try {
    const names = ds.migrations.map((m) => m.name ?? m.constructor.name);
    const [{ present }] = await ds.query<Array<{ present: boolean }>>(`SELECT to_regclass('migrations') IS NOT NULL AS present`);
    const applied = present ? (await ds.query<Array<{ name: string }>>('SELECT name FROM migrations')).map((r) => r.name) : [];
    return names.filter((n) => !applied.includes(n));
  } finally {
    await ds.destroy();
  }
}

/** Polls every `intervalMs` until nothing is pending; says what it waits for now and then (the database may be away). */
export async function awaitMigrations(app: string, url: string, log: (line: string) => void, intervalMs = 2_000): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let waitingFor: string;
    try {
      const pending = await pendingMigrations(app, url);
      if (pending.length === 0) return log(`${app}: migrations up to date`);
      waitingFor = `migrations ${pending.join(', ')} (the Job chanjiao-migrate applies them)`;
    } catch (e) {
      if ((e as Error).message.startsWith('unknown app')) throw e;
      waitingFor = `the database (${(e as Error).message})`;
    }
    if (attempt % 15 === 0) log(`${app}: waiting for ${waitingFor}`);
    await sleep(intervalMs);
  }
}

if (require.main === module) {
  const [app, ...rest] = process.argv.slice(2);
  const url = resolveSecretEnv(process.env).DATABASE_URL;
  if (!app || rest.length > 0 || !url) {
    console.error('usage: node dist/scripts/await-migrations.js <app>  (env: DATABASE_URL, DATABASE_PASSWORD or their _FILE)');
    process.exit(2);
  }
  awaitMigrations(app, url, console.log).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
