import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityTable, Page, PageRequest } from '@chanjiao/persistence';
import { AllianceContributionEntity } from './contribution.entity';
import type { ContributionState } from './contribution.domain';

/** Contributions, keyed by (institution, alliance_id, contribution_id); never changed once recorded. */
export const contributionTable = new EntityTable<ContributionState>(AllianceContributionEntity, {
  key: ['allianceId', 'contributionId'],
});

export const contributionKey = (allianceId: string, contributionId: string) => `${allianceId}/${contributionId}`;

@Injectable()
export class ContributionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of the alliance's contributions in key order (the alliance is in the key). */
  page(institution: string, allianceId: string, page: PageRequest): Promise<Page<ContributionState>> {
    return contributionTable.pageUnder(this.dataSource, institution, [allianceId], page);
  }

  async lockMany(
    m: EntityManager,
    institution: string,
    keys: Array<{ allianceId: string; contributionId: string }>,
  ): Promise<Map<string, ContributionState>> {
    const rows = await contributionTable.lock(
      m,
      institution,
      keys.map((k) => [k.allianceId, k.contributionId]),
    );
    return new Map(rows.map((r) => [contributionKey(r.allianceId, r.contributionId), r]));
  }

  /** Plain INSERTs: a concurrent creator of the same id fails on the key and is retried. */
  insertMany(m: EntityManager, institution: string, rows: ContributionState[]): Promise<void> {
    return contributionTable.saveMany(m, institution, rows, []);
  }
}
