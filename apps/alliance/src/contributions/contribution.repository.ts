import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { keysetSql, Page, PageRequest, toPage } from '@chanjiao/persistence';
import type { ContributionState } from './contribution.domain';

const COLUMNS = `alliance_id AS "allianceId", contribution_id AS "contributionId", member_id AS "memberId", kind,
  amount::text AS amount, description, to_char(date, 'YYYY-MM-DD') AS date`;

export const contributionKey = (allianceId: string, contributionId: string) => `${allianceId}/${contributionId}`;

@Injectable()
export class ContributionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of the alliance's contributions in key order (the alliance is in the key). */
  async page(institution: string, allianceId: string, page: PageRequest): Promise<Page<ContributionState>> {
    const k = keysetSql(['contribution_id'], page, 3);
    const rows = await this.dataSource.query<ContributionState[]>(
      `SELECT ${COLUMNS} FROM alliance_contributions WHERE institution = $1 AND alliance_id = $2 ${k.where && `AND ${k.where}`} ${k.orderLimit}`,
      [institution, allianceId, ...k.params],
    );
    return toPage(rows, page, (r) => [r.contributionId]);
  }

  async lockMany(
    m: EntityManager,
    institution: string,
    keys: Array<{ allianceId: string; contributionId: string }>,
  ): Promise<Map<string, ContributionState>> {
    const rows = await m.query<ContributionState[]>(
      `SELECT ${COLUMNS} FROM alliance_contributions
       WHERE institution = $1 AND (alliance_id, contribution_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
       ORDER BY alliance_id, contribution_id FOR UPDATE`,
      [institution, keys.map((k) => k.allianceId), keys.map((k) => k.contributionId)],
    );
    return new Map(rows.map((r) => [contributionKey(r.allianceId, r.contributionId), r]));
  }

  /** Plain INSERTs: a concurrent creator of the same id fails on the key and is retried. */
  async insertMany(m: EntityManager, institution: string, rows: ContributionState[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      await m.query(
        `INSERT INTO alliance_contributions (institution, alliance_id, contribution_id, member_id, kind, amount, description, date)
         SELECT $1, c."allianceId", c."contributionId", c."memberId", c.kind, c.amount::numeric, c.description, c.date
         FROM json_to_recordset($2::json) AS c("allianceId" text, "contributionId" text, "memberId" text, kind text, amount text,
           description text, date date)`,
        [institution, JSON.stringify(rows.slice(i, i + 1000))],
      );
    }
  }
}
