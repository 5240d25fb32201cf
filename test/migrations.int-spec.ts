import { createDataSource, runMigrations } from '@chanjiao/persistence';
import { freshDatabase } from '@chanjiao/testing';
import { APPS } from '../scripts/apps';

/** Committed migrations must produce exactly the schema the entities describe (`npm run migration:generate` otherwise). */
describe.each(Object.keys(APPS))('%s migrations', (app) => {
  it('apply on an empty database and leave nothing for the entities to change; run twice, apply once', async () => {
    const db = await freshDatabase(`mig_${app}`);
    const ds = createDataSource({ url: db.url, entities: APPS[app]!.entities, migrations: APPS[app]!.migrations, poolSize: 2 });
    try {
      await ds.initialize();
      expect((await runMigrations(ds)).length).toBe(APPS[app]!.migrations.length);
      expect(await runMigrations(ds)).toEqual([]);
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
