import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityTable, Page, PageRequest } from '@chanjiao/persistence';
import { AllianceActivityEntity } from './activity.entity';
import type { ActivityState } from './activity.domain';

/** Activities, keyed by (institution, alliance_id, activity_id); never changed once recorded. 500 rows a statement: participant lists make rows long. */
export const activityTable = new EntityTable<ActivityState>(AllianceActivityEntity, { key: ['allianceId', 'activityId'], chunk: 500 });

export const activityKey = (allianceId: string, activityId: string) => `${allianceId}/${activityId}`;

@Injectable()
export class ActivityRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of the alliance's activities in key order (the alliance is in the key). */
  page(institution: string, allianceId: string, page: PageRequest): Promise<Page<ActivityState>> {
    return activityTable.pageUnder(this.dataSource, institution, [allianceId], page);
  }

  async lockMany(
    m: EntityManager,
    institution: string,
    keys: Array<{ allianceId: string; activityId: string }>,
  ): Promise<Map<string, ActivityState>> {
    const rows = await activityTable.lock(
      m,
      institution,
      keys.map((k) => [k.allianceId, k.activityId]),
    );
    return new Map(rows.map((r) => [activityKey(r.allianceId, r.activityId), r]));
  }

  /** Plain INSERTs: a concurrent creator of the same id fails on the key and is retried. */
  insertMany(m: EntityManager, institution: string, rows: ActivityState[]): Promise<void> {
    return activityTable.saveMany(m, institution, rows, []);
  }
}
