import { createHash } from 'node:crypto';
import type { DataSource, Migration } from 'typeorm';

/**
 * Runs pending migrations under a PostgreSQL advisory lock (held on its own connection: the pool needs two), so several instances (or `npm start`
 * and `npm run migrate`) starting together apply each migration once.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const key = createHash('sha256')
    .update(`migrations:${dataSource.driver.database ?? ''}`)
    .digest()
    .readInt32BE(0);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await runner.release();
  }
}
