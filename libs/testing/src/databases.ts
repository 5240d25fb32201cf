import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from '@chanjiao/persistence';
import { testServiceUrls } from './test-services';

/** A fresh, empty database on the test server, unique to the caller; `drop` removes it. */
export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(testServiceUrls().postgresUrl, name);
  await ensureDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}
