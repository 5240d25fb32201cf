import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '@chanjiao/persistence';
import { testServiceUrls } from './test-services';

/** A fresh, empty database on the test server, unique to the caller; `drop` removes it. */
export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(testServiceUrls().postgresUrl, name);
  await ensureDatabase(url);
  return {
    url,
    drop: async () => {
      await connectionsGone(url, name);
      await dropDatabase(url);
    },
  };
}

/**
 * Waits (up to 2 s) until nothing is connected to the database. A pool's `end()` resolves before its connections
 * have closed; dropping the database WITH (FORCE) then terminated them, and the error reached a client that no
 * longer had a listener (an unhandled error that failed the test file).
 */
async function connectionsGone(url: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    for (let i = 0; i < 40; i++) {
      const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name]);
      if (rows[0]!.n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await admin.end();
  }
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}
