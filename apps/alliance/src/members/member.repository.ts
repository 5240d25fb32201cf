import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { keysetSql, Page, PageRequest, toPage } from '@chanjiao/persistence';
import type { MemberState } from './member.domain';

const COLUMNS = `alliance_id AS "allianceId", member_id AS "memberId", member_kind AS "memberKind", role, status,
  to_char(joined_on, 'YYYY-MM-DD') AS "joinedOn", to_char(departed_on, 'YYYY-MM-DD') AS "departedOn", periods, version`;

export const memberKey = (allianceId: string, memberId: string) => `${allianceId}/${memberId}`;

@Injectable()
export class MemberRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(institution: string, allianceId: string, memberId: string): Promise<MemberState | undefined> {
    const rows = await this.dataSource.query<MemberState[]>(
      `SELECT ${COLUMNS} FROM alliance_members WHERE institution = $1 AND alliance_id = $2 AND member_id = $3`,
      [institution, allianceId, memberId],
    );
    return rows[0];
  }

  /** A page of the alliance's members in key order (the alliance is in the key). */
  async page(institution: string, allianceId: string, page: PageRequest): Promise<Page<MemberState>> {
    const k = keysetSql(['member_id'], page, 3);
    const rows = await this.dataSource.query<MemberState[]>(
      `SELECT ${COLUMNS} FROM alliance_members WHERE institution = $1 AND alliance_id = $2 ${k.where && `AND ${k.where}`} ${k.orderLimit}`,
      [institution, allianceId, ...k.params],
    );
    return toPage(rows, page, (r) => [r.memberId]);
  }

  /** Loads and locks memberships, keyed `<allianceId>/<memberId>` (in key order, to avoid deadlocks). */
  async lockMany(
    m: EntityManager,
    institution: string,
    keys: Array<{ allianceId: string; memberId: string }>,
    mode: 'update' | 'share',
  ): Promise<Map<string, MemberState>> {
    const unique = [...new Map(keys.map((k) => [memberKey(k.allianceId, k.memberId), k])).values()];
    const rows = await m.query<MemberState[]>(
      `SELECT ${COLUMNS} FROM alliance_members
       WHERE institution = $1 AND (alliance_id, member_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
       ORDER BY alliance_id, member_id FOR ${mode === 'update' ? 'UPDATE' : 'SHARE'}`,
      [institution, unique.map((k) => k.allianceId), unique.map((k) => k.memberId)],
    );
    return new Map(rows.map((r) => [memberKey(r.allianceId, r.memberId), r]));
  }

  async saveMany(m: EntityManager, institution: string, created: MemberState[], updated: MemberState[]): Promise<void> {
    await this.write(m, institution, created, '');
    await this.write(
      m,
      institution,
      updated,
      `ON CONFLICT (institution, alliance_id, member_id) DO UPDATE SET member_kind = excluded.member_kind, role = excluded.role,
         status = excluded.status, joined_on = excluded.joined_on, departed_on = excluded.departed_on, periods = excluded.periods,
         version = excluded.version, updated_at = now()`,
    );
  }

  private async write(m: EntityManager, institution: string, states: MemberState[], onConflict: string): Promise<void> {
    for (let i = 0; i < states.length; i += 1000) {
      await m.query(
        `INSERT INTO alliance_members (institution, alliance_id, member_id, member_kind, role, status, joined_on, departed_on, periods,
           version, updated_at)
         SELECT $1, s."allianceId", s."memberId", s."memberKind", s.role, s.status, s."joinedOn", s."departedOn", s.periods, s.version, now()
         FROM json_to_recordset($2::json) AS s("allianceId" text, "memberId" text, "memberKind" text, role text, status text,
           "joinedOn" date, "departedOn" date, periods jsonb, version int)
         ${onConflict}`,
        [institution, JSON.stringify(states.slice(i, i + 1000))],
      );
    }
  }
}
