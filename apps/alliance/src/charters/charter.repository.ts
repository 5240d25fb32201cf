import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inLockOrder, keysetSql, Page, PageRequest, rowsByKeys, toPage } from '@chanjiao/persistence';
import type { CharterState } from './charter.domain';

const COLUMNS = `alliance_id AS "allianceId", version, to_char(adopted_on, 'YYYY-MM-DD') AS "adoptedOn", summary, sequence`;

@Injectable()
export class CharterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of the alliance's charters in key order (the alliance is in the key). */
  async page(institution: string, allianceId: string, page: PageRequest): Promise<Page<CharterState>> {
    const k = keysetSql(['version'], page, 3);
    const rows = await this.dataSource.query<CharterState[]>(
      `SELECT ${COLUMNS} FROM alliance_charters WHERE institution = $1 AND alliance_id = $2 ${k.where && `AND ${k.where}`} ${k.orderLimit}`,
      [institution, allianceId, ...k.params],
    );
    return toPage(rows, page, (r) => [r.version]);
  }

  /** Charters of the given alliances (the caller holds their alliance rows FOR UPDATE), by alliance. */
  async byAlliance(m: EntityManager, institution: string, allianceIds: string[]): Promise<Map<string, CharterState[]>> {
    const rows = await m.query<CharterState[]>(
      rowsByKeys({ columns: COLUMNS, table: 'alliance_charters', key: 'alliance_id', then: 'ORDER BY version' }),
      [institution, inLockOrder(allianceIds)],
    );
    const out = new Map<string, CharterState[]>();
    for (const r of rows) out.set(r.allianceId, [...(out.get(r.allianceId) ?? []), r]);
    return out;
  }

  async insertMany(m: EntityManager, institution: string, charters: CharterState[]): Promise<void> {
    if (charters.length === 0) return;
    await m.query(
      `INSERT INTO alliance_charters (institution, alliance_id, version, adopted_on, summary, sequence)
       SELECT $1, c."allianceId", c.version, c."adoptedOn", c.summary, c.sequence
       FROM json_to_recordset($2::json) AS c("allianceId" text, version int, "adoptedOn" date, summary text, sequence int)`,
      [institution, JSON.stringify(charters)],
    );
  }
}
