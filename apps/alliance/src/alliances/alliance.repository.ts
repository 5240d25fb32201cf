import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityTable, inLockOrder, Page, PageRequest } from '@chanjiao/persistence';
import { AllianceEntity } from './alliance.entity';
import type { AllianceState } from './alliance.domain';

/** Alliances, keyed by (institution, alliance_id). */
export const allianceTable = new EntityTable<AllianceState>(AllianceEntity, { key: ['allianceId'] });

@Injectable()
export class AllianceRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(institution: string, allianceId: string): Promise<AllianceState | undefined> {
    return allianceTable.find(this.dataSource, institution, allianceId);
  }

  page(institution: string, page: PageRequest): Promise<Page<AllianceState>> {
    return allianceTable.page(this.dataSource, institution, page);
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
    const rows = await allianceTable.lock(m, institution, allianceIds, mode);
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
  saveMany(m: EntityManager, institution: string, created: AllianceState[], updated: AllianceState[]): Promise<void> {
    return allianceTable.saveMany(m, institution, created, updated);
  }
}
