import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inLockOrder, keysetSql, Page, PageRequest, rowsByKeys, toPage } from '@chanjiao/persistence';
import type { AllianceState } from './alliance.domain';

const COLUMNS = `alliance_id AS "allianceId", name, scope, sector, to_char(founded_on, 'YYYY-MM-DD') AS "foundedOn", role, version`;

@Injectable()
export class AllianceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(institution: string, allianceId: string): Promise<AllianceState | undefined> {
    const rows = await this.dataSource.query<AllianceState[]>(
      `SELECT ${COLUMNS} FROM alliances WHERE institution = $1 AND alliance_id = $2`,
      [institution, allianceId],
    );
    return rows[0];
  }

  async page(institution: string, page: PageRequest): Promise<Page<AllianceState>> {
    const k = keysetSql(['alliance_id'], page, 2);
    const rows = await this.dataSource.query<AllianceState[]>(
      `SELECT ${COLUMNS} FROM alliances WHERE institution = $1 ${k.where && `AND ${k.where}`} ${k.orderLimit}`,
      [institution, ...k.params],
    );
    return toPage(rows, page, (r) => [r.allianceId]);
  }

  /**
   * Loads and locks alliances: FOR UPDATE when the write changes them (or must serialize per
   * alliance, as charters do), FOR SHARE when it only needs them to exist.
   */
  async lockMany(
    m: EntityManager,
    institution: string,
    allianceIds: string[],
    mode: 'update' | 'share',
  ): Promise<Map<string, AllianceState>> {
    const rows = await m.query<AllianceState[]>(
      rowsByKeys({ columns: COLUMNS, table: 'alliances', key: 'alliance_id', then: mode === 'update' ? 'FOR UPDATE' : 'FOR SHARE' }),
      [institution, inLockOrder(allianceIds)],
    );
    return new Map(rows.map((r) => [r.allianceId, r]));
  }

  /**
   * The date of each alliance's earliest record: a member's first join, a charter, an activity or a contribution.
   * Looked up per alliance (index probes per key, as `rowsByKeys` does), not by `alliance_id = ANY(...)`.
   */
  async firstRecords(m: EntityManager, institution: string, allianceIds: string[]): Promise<Map<string, string>> {
    const rows = await m.query<Array<{ allianceId: string; first: string }>>(
      `SELECT "allianceId", first::text AS first FROM (
         SELECT k.key AS "allianceId", least(
           (SELECT min((periods->0->>'joinedOn')::date) FROM alliance_members WHERE institution = $1 AND alliance_id = k.key),
           (SELECT min(adopted_on) FROM alliance_charters WHERE institution = $1 AND alliance_id = k.key),
           (SELECT min(date) FROM alliance_activities WHERE institution = $1 AND alliance_id = k.key),
           (SELECT min(date) FROM alliance_contributions WHERE institution = $1 AND alliance_id = k.key)
         ) AS first FROM unnest($2::text[]) AS k(key)
       ) AS records WHERE first IS NOT NULL`,
      [institution, inLockOrder(allianceIds)],
    );
    return new Map(rows.map((r) => [r.allianceId, r.first]));
  }

  /** New alliances are plain INSERTs, so a concurrent creator of the same id is retried (see WriteUnitOfWork). */
  async saveMany(m: EntityManager, institution: string, created: AllianceState[], updated: AllianceState[]): Promise<void> {
    await this.write(m, institution, created, '');
    await this.write(
      m,
      institution,
      updated,
      `ON CONFLICT (institution, alliance_id) DO UPDATE SET name = excluded.name, scope = excluded.scope, sector = excluded.sector,
         founded_on = excluded.founded_on, role = excluded.role, version = excluded.version, updated_at = now()`,
    );
  }

  private async write(m: EntityManager, institution: string, states: AllianceState[], onConflict: string): Promise<void> {
    if (states.length === 0) return;
    await m.query(
      `INSERT INTO alliances (institution, alliance_id, name, scope, sector, founded_on, role, version, updated_at)
       SELECT $1, a."allianceId", a.name, a.scope, a.sector, a."foundedOn", a.role, a.version, now()
       FROM json_to_recordset($2::json) AS a("allianceId" text, name text, scope text, sector text, "foundedOn" date, role text, version int)
       ${onConflict}`,
      [institution, JSON.stringify(states)],
    );
  }
}
