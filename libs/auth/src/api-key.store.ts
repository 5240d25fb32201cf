import { Logger } from '@nestjs/common';
import { Client, Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, inTransactionOn, runMigrations } from '@chanjiao/persistence';
import {
  ALL_INSTITUTIONS,
  DUMMY_SECRET_HASH,
  generateKey,
  hashSecret,
  KEY_CHANGED_CHANNEL,
  parseKey,
  Principal,
  Role,
  secretMatches,
} from './api-key';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeys1764300000000 } from './migrations/1764300000000-ApiKeys';
import { KeyInstitutionsExpiry1796570000000 } from './migrations/1796570000000-KeyInstitutionsExpiry';

export const AUTH_ENTITIES = [ApiKeyEntity];
export const AUTH_MIGRATIONS = [ApiKeys1764300000000, KeyInstitutionsExpiry1796570000000];

/** Keys (and unknown ids) remembered per instance at most. */
const CACHE_LIMIT = 10_000;
/** How often an instance notes a key's last use at most (a write per request would cost every request). */
const LAST_USED_EVERY_MS = 60_000;

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
  institutions: string[];
  revoked_at: Date | null;
  expires_at: Date | null;
}

/** A key as `npm run keys -- list` shows it (never its secret or hash). */
export interface KeyListing {
  id: string;
  role: Role;
  services: string[];
  institutions: string[];
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  rotated_from: string | null;
}

export interface NewKey {
  role: Role;
  services: string[];
  /** One institution (the same as `institutions: [institution]`). */
  institution?: string;
  /** Several (a bureau), or `['*']` for an admin key of every institution. */
  institutions?: string[];
  label?: string;
  /** Refused from then on; none: never expires. */
  expiresAt?: Date | null;
}

/** Why a key was refused: unknown, wrong secret and revoked are one answer (nothing to learn from it); expiry is told. */
export type KeyCheck = { principal: Principal } | { refused: 'invalid_api_key' | 'expired_api_key' };

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
  /** When this instance last noted each key's use. */
  private readonly lastNoted = new Map<string, number>();

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

  /**
   * Verifies a key and says why it was refused. Expiry is checked on every call, cached or not, so an expired key is
   * refused at the moment it expires. The secret is compared (in constant time) whatever the row: against a dummy
   * hash when the id is unknown, so the time taken does not tell whether an id exists.
   */
  async check(key: string): Promise<KeyCheck> {
    const parsed = parseKey(key);
    if (!parsed) return { refused: 'invalid_api_key' };
    let row = this.listening ? this.cache.get(parsed.id) : undefined;
    if (row === undefined) {
      const generation = this.generation;
      const { rows } = await this.pool.query<KeyRow>(
        'SELECT id, secret_hash, role, services, institutions, revoked_at, expires_at FROM api_keys WHERE id = $1',
        [parsed.id],
      );
      row = rows[0] ?? null;
      // A revocation noticed while the query ran may not be in what it read: then the row is not cached.
      if (this.listening && generation === this.generation) {
        // Unknown ids are cached too (a flood of made-up keys must not reach the database each time): bounded, so it
        // cannot fill the heap either.
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(parsed.id, row);
      }
    }
    const matches = secretMatches(parsed.secret, row?.secret_hash ?? DUMMY_SECRET_HASH);
    if (!row || !matches || row.revoked_at) return { refused: 'invalid_api_key' };
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) return { refused: 'expired_api_key' };
    this.noteUse(row.id);
    const only = row.institutions.length === 1 && row.institutions[0] !== ALL_INSTITUTIONS ? row.institutions[0]! : '';
    return {
      principal: {
        keyId: row.id,
        role: row.role,
        services: row.services,
        institutions: row.institutions,
        institution: only,
        expiresAt: row.expires_at,
      },
    };
  }

  /** Notes the key's last use, at most once a minute per key here; a failure to note it costs the request nothing. */
  private noteUse(id: string): void {
    const now = Date.now();
    if (now - (this.lastNoted.get(id) ?? 0) < LAST_USED_EVERY_MS) return;
    if (this.lastNoted.size > 10_000) this.lastNoted.clear();
    this.lastNoted.set(id, now);
    this.pool
      .query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id])
      .catch((e: Error) => this.logger.warn(`cannot note the use of key ${id}: ${e.message}`));
  }

  async create(input: NewKey): Promise<{ id: string; key: string }> {
    const institutions = input.institutions ?? (input.institution !== undefined ? [input.institution] : []);
    if (institutions.length === 0) throw new Error('a key needs an institution, a list of them, or * (admin)');
    if (institutions.includes(ALL_INSTITUTIONS) && (input.role !== 'admin' || institutions.length > 1))
      throw new Error('* (every institution) is for admin keys, alone');
    const { id, secret, key } = generateKey();
    await this.pool.query(
      'INSERT INTO api_keys (id, secret_hash, role, services, institutions, label, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [id, hashSecret(secret), input.role, input.services, institutions, input.label ?? null, input.expiresAt ?? null],
    );
    return { id, key };
  }

  async list(): Promise<KeyListing[]> {
    const { rows } = await this.pool.query<KeyListing>(
      'SELECT id, role, services, institutions, label, created_at, revoked_at, expires_at, last_used_at, rotated_from FROM api_keys ORDER BY created_at, id',
    );
    return rows;
  }

  /**
   * A new key with the old one's scope (role, services, institutions, label); the old one stays valid for `overlapMs`
   * more (never longer than it already would), so clients can change over. The new key lives as long as the old one
   * was made to (from now), or for ever if the old one had no expiry. Undefined if the id is unknown, revoked or expired.
   */
  async rotate(keyOrId: string, overlapMs: number): Promise<{ id: string; key: string; oldExpiresAt: Date } | undefined> {
    const oldId = parseKey(keyOrId)?.id ?? keyOrId;
    return this.inTransaction(async (client) => {
      const { rows } = await client.query<KeyRow & { label: string | null; created_at: Date }>(
        `SELECT id, role, services, institutions, label, created_at, revoked_at, expires_at FROM api_keys
         WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) FOR UPDATE`,
        [oldId],
      );
      const old = rows[0];
      if (!old) return undefined;
      const { id, secret, key } = generateKey();
      const lifetime = old.expires_at ? old.expires_at.getTime() - old.created_at.getTime() : undefined;
      await client.query(
        `INSERT INTO api_keys (id, secret_hash, role, services, institutions, label, expires_at, rotated_from)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::bigint IS NULL THEN NULL ELSE now() + $7::bigint * interval '1 millisecond' END, $8)`,
        [id, hashSecret(secret), old.role, old.services, old.institutions, old.label, lifetime ?? null, old.id],
      );
      const updated = await client.query<{ expires_at: Date }>(
        `UPDATE api_keys SET expires_at = least(coalesce(expires_at, 'infinity'), now() + $2::bigint * interval '1 millisecond')
         WHERE id = $1 RETURNING expires_at`,
        [old.id, Math.max(0, Math.round(overlapMs))],
      );
      await client.query(`SELECT pg_notify($1, $2)`, [KEY_CHANGED_CHANNEL, old.id]);
      return { id, key, oldExpiresAt: updated.rows[0]!.expires_at };
    });
  }

  /** Accepts the key itself or its id; returns the id revoked, or undefined if unknown. */
  async revoke(keyOrId: string): Promise<string | undefined> {
    const id = parseKey(keyOrId)?.id ?? keyOrId;
    return this.inTransaction(async (client) => {
      const res = await client.query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
      await client.query(`SELECT pg_notify($1, $2)`, [KEY_CHANGED_CHANNEL, id]);
      return res.rowCount ? id : undefined;
    });
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await inTransactionOn(client, work);
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
