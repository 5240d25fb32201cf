import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityTable, Page, PageRequest } from '@chanjiao/persistence';
import { AllianceCharterEntity } from './charter.entity';
import type { CharterState } from './charter.domain';

/** Charters, keyed by (institution, alliance_id, version); never changed once adopted. */
export const charterTable = new EntityTable<CharterState>(AllianceCharterEntity, { key: ['allianceId', 'version'] });

@Injectable()
export class CharterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of the alliance's charters in key order (the alliance is in the key). */
  page(institution: string, allianceId: string, page: PageRequest): Promise<Page<CharterState>> {
    return charterTable.pageUnder(this.dataSource, institution, [allianceId], page);
  }

  /** Charters of the given alliances (the caller holds their alliance rows FOR UPDATE), by alliance. */
  async byAlliance(m: EntityManager, institution: string, allianceIds: string[]): Promise<Map<string, CharterState[]>> {
    const rows = await charterTable.under(m, institution, allianceIds, 'ORDER BY version');
    const out = new Map<string, CharterState[]>();
    for (const r of rows) out.set(r.allianceId, [...(out.get(r.allianceId) ?? []), r]);
    return out;
  }

  insertMany(m: EntityManager, institution: string, charters: CharterState[]): Promise<void> {
    return charterTable.saveMany(m, institution, charters, []);
  }
}
