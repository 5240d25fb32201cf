import { freshDatabase } from '@chanjiao/testing';
import { APPS } from './apps';
import { awaitMigrations, pendingMigrations } from './await-migrations';
import { migrateApps } from './migrate-app';

/** deploy/k8s: the Job migrates (migrate-app), each Deployment's init container waits for it (await-migrations). */
describe('migrate-app and await-migrations', () => {
  it('the init container waits while migrations are pending and returns once the Job has applied them', async () => {
    const db = await freshDatabase('migrate_app');
    try {
      expect(await pendingMigrations('placement', db.url)).toHaveLength(APPS.placement!.migrations.length);
      const lines: string[] = [];
      let done = false;
      const waiting = awaitMigrations('placement', db.url, (l) => lines.push(l), 50).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBe(false);
      expect(lines[0]).toMatch(/^placement: waiting for migrations /);

      const log: string[] = [];
      await migrateApps(['placement'], { PLACEMENT_DATABASE_URL: db.url }, (l) => log.push(l));
      expect(log).toEqual([expect.stringMatching(/^placement: applied /)]);
      await waiting;
      expect(lines.at(-1)).toBe('placement: migrations up to date');
      expect(await pendingMigrations('placement', db.url)).toEqual([]);
      // Run again (a Job retried or re-applied): nothing to do.
      await migrateApps(['placement'], { PLACEMENT_DATABASE_URL: db.url }, (l) => log.push(l));
      expect(log.at(-1)).toBe('placement: up to date');
    } finally {
      await db.drop();
    }
  });

  it('refuses an unknown app or a missing URL, naming what is wrong', async () => {
    await expect(migrateApps([], {})).rejects.toThrow(/name the apps/);
    await expect(migrateApps(['placement'], {})).rejects.toThrow(/PLACEMENT_DATABASE_URL/);
    await expect(migrateApps(['nope'], { NOPE_DATABASE_URL: 'postgres://x@127.0.0.1/x' })).rejects.toThrow(/unknown app nope/);
    await expect(awaitMigrations('nope', 'postgres://x@127.0.0.1/x', () => undefined)).rejects.toThrow(/unknown app nope/);
  });
});
