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
      expect(await store.check(key)).toMatchObject({ principal: { institution: 'I1' } });
      const [first] = await listeners();
      await admin.query('SELECT pg_terminate_backend($1)', [first]);
      await expectEventually(async () => {
        const pids = await listeners();
        expect(pids).toHaveLength(1);
        expect(pids[0]).not.toBe(first);
      });
      await store.revoke(key);
      await expectEventually(async () => expect(await store.check(key)).toEqual({ refused: 'invalid_api_key' }));
    } finally {
      await store.close();
    }
  });

  it('refuses an expired key at once, cached or not, and says so; rotation keeps both valid for the changeover', async () => {
    const store = new ApiKeyStore(db.url);
    try {
      await store.start();
      const soon = new Date(Date.now() + 1500);
      const { key } = await store.create({ role: 'writer', services: ['enrollment'], institutions: ['I1', 'I2'], expiresAt: soon });
      // Cached while valid (the LISTEN connection is up)...
      await expectEventually(async () =>
        expect(await store.check(key)).toMatchObject({ principal: { institutions: ['I1', 'I2'], institution: '' } }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, soon.getTime() - Date.now() + 10)));
      // ...and refused the moment it expires, with no change notice in between.
      expect(await store.check(key)).toEqual({ refused: 'expired_api_key' });
      expect(await store.rotate(key, 60_000)).toBeUndefined();

      const old = await store.create({ role: 'reader', services: ['reporting'], institution: 'I1' });
      expect(await store.check(old.key)).toMatchObject({ principal: { institution: 'I1', expiresAt: null } });
      const rotated = await store.rotate(old.id, 300);
      expect(rotated).toBeDefined();
      expect(await store.check(rotated!.key)).toMatchObject({ principal: { role: 'reader', institutions: ['I1'], expiresAt: null } });
      expect(await store.check(old.key)).toMatchObject({ principal: { keyId: old.id } });
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.check(old.key)).toEqual({ refused: 'expired_api_key' });
      expect(await store.check(rotated!.key)).toMatchObject({ principal: { keyId: rotated!.id } });
      const listed = (await store.list()).find((k) => k.id === rotated!.id);
      expect(listed).toMatchObject({ rotated_from: old.id, institutions: ['I1'] });
      expect(listed!.last_used_at).toBeInstanceOf(Date);
    } finally {
      await store.close();
    }
  });

  it('answers an unknown id, a wrong secret and a revoked key alike', async () => {
    const store = new ApiKeyStore(db.url);
    try {
      await store.start();
      const { id, key } = await store.create({ role: 'reader', services: ['reporting'], institution: 'I1' });
      const wrongSecret = `cjk_${id}_${'A'.repeat(43)}`;
      const unknownId = key.replace(id, 'zzzzzzzzzzzz');
      expect(await store.check(wrongSecret)).toEqual({ refused: 'invalid_api_key' });
      expect(await store.check(unknownId)).toEqual({ refused: 'invalid_api_key' });
      await store.revoke(id);
      await expectEventually(async () => expect(await store.check(key)).toEqual({ refused: 'invalid_api_key' }));
      await expect(store.create({ role: 'reader', services: ['reporting'], institutions: ['*'] })).rejects.toThrow('for admin keys');
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
