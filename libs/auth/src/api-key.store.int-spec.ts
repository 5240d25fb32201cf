import { Client } from 'pg';
import { expectEventually, freshDatabase } from '@chanjiao/testing';
import { ApiKeyStore, migrateAuthDatabase } from './api-key.store';

/** The key store's LISTEN connection against a real PostgreSQL: lost and found again while open, left alone once closed. */
describe('ApiKeyStore (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let admin: Client;
  const listeners = async () =>
    (
      await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'api-keys-listen'`,
      )
    ).rows.map((r) => r.pid);
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  beforeAll(async () => {
    db = await freshDatabase('auth_store');
    await migrateAuthDatabase(db.url);
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  it('listens again after losing its connection, and a revocation made then takes effect', async () => {
    const store = new ApiKeyStore(db.url);
    try {
      await store.start();
      const { key } = await store.create({ role: 'reader', services: ['reporting'], institution: 'I1' });
      expect(await store.verify(key)).toMatchObject({ institution: 'I1' });
      const [first] = await listeners();
      await admin.query('SELECT pg_terminate_backend($1)', [first]);
      await expectEventually(async () => {
        const pids = await listeners();
        expect(pids).toHaveLength(1);
        expect(pids[0]).not.toBe(first);
      });
      await store.revoke(key);
      await expectEventually(async () => expect(await store.verify(key)).toBeUndefined());
    } finally {
      await store.close();
    }
  });

  it('once closed, holds the process by nothing: no connection, no timer to listen again', async () => {
    const before = timers();
    const store = new ApiKeyStore(db.url);
    await store.start();
    await expectEventually(async () => expect(await listeners()).toHaveLength(1));
    await store.close();
    // Ending its connection fires what losing it does; a closed store must not schedule another LISTEN.
    expect(timers()).toBe(before);
    await expectEventually(async () => expect(await listeners()).toEqual([]));
  });
});
