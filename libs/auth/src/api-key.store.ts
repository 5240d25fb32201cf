import { Logger } from '@nestjs/common';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, runMigrations } from '@chanjiao/persistence';
import { generateKey, hashSecret, KEY_CHANGED_CHANNEL, parseKey, Principal, Role, secretMatches } from './api-key';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeys1764300000000 } from './migrations/1764300000000-ApiKeys';

export const AUTH_ENTITIES = [ApiKeyEntity];
export const AUTH_MIGRATIONS = [ApiKeys1764300000000];

export async function migrateAuthDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  const ds: DataSource = createDataSource({ url, entities: AUTH_ENTITIES, migrations: AUTH_MIGRATIONS, poolSize: 2 });
  await ds.initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
}

interface KeyRow {
  id: string;
  secret_hash: string;
  role: Role;
  services: string[];
  institution: string;
  revoked_at: Date | null;
}

/**
 * Verifies keys against the auth database. Verified keys are cached; every change to the keys
 * (revocation) is NOTIFYed, and while the LISTEN connection is down the cache is bypassed, so a
 * revocation takes effect as soon as its NOTIFY arrives (milliseconds), on every instance.
 */
export class ApiKeyStore {
  private readonly logger = new Logger('ApiKeyStore');
  private readonly pool: Pool;
  private readonly cache = new Map<string, KeyRow | null>();
  private listener?: Client;
  private listening = false;
  /** The last attempt to LISTEN failed. */
  private failing = false;
  private closed = false;
  /** The next attempt to LISTEN, after the connection was lost; cleared on close, so a closed store holds the process by nothing. */
  private retry?: NodeJS.Timeout;
  /** Bumped by every change notice: a lookup that overlapped one must not cache what it read before it. */
  private generation = 0;

  constructor(private readonly url: string) {
    this.pool = new Pool({ connectionString: url, max: 4, application_name: 'api-keys' });
    this.pool.on('error', (e) => this.logger.warn(e.message));
  }

  async start(): Promise<void> {
    await this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  async verify(key: string): Promise<Principal | undefined> {
    const parsed = parseKey(key);
    if (!parsed) return undefined;
    let row = this.listening ? this.cache.get(parsed.id) : undefined;
    if (row === undefined) {
      const generation = this.generation;
      const { rows } = await this.pool.query<KeyRow>(
        'SELECT id, secret_hash, role, services, institution, revoked_at FROM api_keys WHERE id = $1',
        [parsed.id],
      );
      row = rows[0] ?? null;
      // A revocation noticed while the query ran may not be in what it read: then the row is not cached.
      if (this.listening && generation === this.generation) this.cache.set(parsed.id, row);
    }
    if (!row || row.revoked_at || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
    return { keyId: row.id, role: row.role, services: row.services, institution: row.institution };
  }

  async create(input: { role: Role; services: string[]; institution: string; label?: string }): Promise<{ id: string; key: string }> {
    const { id, secret, key } = generateKey();
    await this.pool.query('INSERT INTO api_keys (id, secret_hash, role, services, institution, label) VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      hashSecret(secret),
      input.role,
      input.services,
      input.institution,
      input.label ?? null,
    ]);
    return { id, key };
  }

  async list(): Promise<Array<Omit<KeyRow, 'secret_hash'> & { created_at: Date; label: string | null }>> {
    const { rows } = await this.pool.query(
      'SELECT id, role, services, institution, label, created_at, revoked_at FROM api_keys ORDER BY created_at',
    );
    return rows as never;
  }

  /** Accepts the key itself or its id; returns the id revoked, or undefined if unknown. */
  async revoke(keyOrId: string): Promise<string | undefined> {
    const id = parseKey(keyOrId)?.id ?? keyOrId;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const res = await client.query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
      await client.query(`SELECT pg_notify($1, $2)`, [KEY_CHANGED_CHANNEL, id]);
      await client.query('COMMIT');
      return res.rowCount ? id : undefined;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.url, application_name: 'api-keys-listen' });
    const lost = () => {
      if (!this.listening) return;
      this.listening = false;
      this.generation++;
      this.cache.clear();
      this.listenAgainSoon();
    };
    try {
      await client.connect();
      client.on('notification', (n) => {
        this.generation++;
        this.cache.delete(n.payload ?? '');
      });
      client.on('error', lost);
      client.on('end', lost);
      await client.query(`LISTEN ${KEY_CHANGED_CHANNEL}`);
      this.listener = client;
      this.cache.clear();
      this.listening = true;
      if (this.failing) this.logger.log('listening for key changes again');
      this.failing = false;
    } catch (e) {
      // Once per outage: it tries again every second while the database is away.
      if (!this.failing) this.logger.warn(`cannot LISTEN for key changes (${(e as Error).message}); verifying every request meanwhile`);
      this.failing = true;
      await client.end().catch(() => undefined);
      this.listenAgainSoon();
    }
  }

  /** Ending the connection on close fires the same events as losing it: only an open store tries again. */
  private listenAgainSoon(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => void this.listen(), 1000);
  }
}
