import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { keysetSql, Page, PageRequest, toPage } from '@chanjiao/persistence';
import type { ActivityState } from './activity.domain';

const COLUMNS = `alliance_id AS "allianceId", activity_id AS "activityId", kind, title, to_char(date, 'YYYY-MM-DD') AS date, online,
  participants, participant_count AS "participantCount"`;

export const activityKey = (allianceId: string, activityId: string) => `${allianceId}/${activityId}`;

@Injectable()
export class ActivityRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of the alliance's activities in key order (the alliance is in the key). */
  async page(institution: string, allianceId: string, page: PageRequest): Promise<Page<ActivityState>> {
    const k = keysetSql(['activity_id'], page, 3);
    const rows = await this.dataSource.query<ActivityState[]>(
      `SELECT ${COLUMNS} FROM alliance_activities WHERE institution = $1 AND alliance_id = $2 ${k.where && `AND ${k.where}`} ${k.orderLimit}`,
      [institution, allianceId, ...k.params],
    );
    return toPage(rows, page, (r) => [r.activityId]);
  }

  async lockMany(
    m: EntityManager,
    institution: string,
    keys: Array<{ allianceId: string; activityId: string }>,
  ): Promise<Map<string, ActivityState>> {
    const rows = await m.query<ActivityState[]>(
      `SELECT ${COLUMNS} FROM alliance_activities
       WHERE institution = $1 AND (alliance_id, activity_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
       ORDER BY alliance_id, activity_id FOR UPDATE`,
      [institution, keys.map((k) => k.allianceId), keys.map((k) => k.activityId)],
    );
    return new Map(rows.map((r) => [activityKey(r.allianceId, r.activityId), r]));
  }

  /** Plain INSERTs: a concurrent creator of the same id fails on the key and is retried. */
  async insertMany(m: EntityManager, institution: string, rows: ActivityState[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      await m.query(
        `INSERT INTO alliance_activities (institution, alliance_id, activity_id, kind, title, date, online, participants, participant_count)
         SELECT $1, a."allianceId", a."activityId", a.kind, a.title, a.date, a.online, a.participants, a."participantCount"
         FROM json_to_recordset($2::json) AS a("allianceId" text, "activityId" text, kind text, title text, date date, online boolean,
           participants jsonb, "participantCount" int)`,
        [institution, JSON.stringify(rows.slice(i, i + 500))],
      );
    }
  }
}
