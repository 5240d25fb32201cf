import { escapeIdentifier } from 'pg';
import { inOneTransaction } from '@chanjiao/persistence';

/**
 * What the services may do in the keys database, as the role they verify keys as: read the keys, and note when one
 * was last used where the keys table has that column. Nothing else: a service cannot make, change or revoke a key
 * (`npm run keys` does, as the database's owner). LISTEN for key changes needs no grant.
 */
export const KEY_VERIFIER_GRANTS = { table: 'api_keys', select: true, updateColumns: ['last_used_at'] } as const;

/**
 * Grants {@link KEY_VERIFIER_GRANTS} to `verifier` (and takes back anything else it was granted on the tables and
 * sequences there), connected as the keys database's owner or an admin, after its migrations.
 */
export async function grantKeyVerifier(url: string, verifier: string): Promise<void> {
  const role = escapeIdentifier(verifier);
  const table = escapeIdentifier(KEY_VERIFIER_GRANTS.table);
  await inOneTransaction(url, 'chanjiao-migrate', async (client) => {
    const { rows } = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
      [KEY_VERIFIER_GRANTS.table],
    );
    const columns = new Set(rows.map((r) => r.column_name));
    const updatable = KEY_VERIFIER_GRANTS.updateColumns.filter((c) => columns.has(c));
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
    await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`);
    await client.query(`GRANT SELECT ON ${table} TO ${role}`);
    if (updatable.length > 0) await client.query(`GRANT UPDATE (${updatable.map(escapeIdentifier).join(', ')}) ON ${table} TO ${role}`);
  });
}
