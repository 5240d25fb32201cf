import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityTable, Page, PageRequest } from '@chanjiao/persistence';
import { AllianceMemberEntity } from './member.entity';
import type { MemberState } from './member.domain';

/** Memberships, keyed by (institution, alliance_id, member_id). */
export const memberTable = new EntityTable<MemberState>(AllianceMemberEntity, { key: ['allianceId', 'memberId'] });

export const memberKey = (allianceId: string, memberId: string) => `${allianceId}/${memberId}`;

@Injectable()
export class MemberRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(institution: string, allianceId: string, memberId: string): Promise<MemberState | undefined> {
    return memberTable.find(this.dataSource, institution, allianceId, memberId);
  }

  /** A page of the alliance's members in key order (the alliance is in the key). */
  page(institution: string, allianceId: string, page: PageRequest): Promise<Page<MemberState>> {
    return memberTable.pageUnder(this.dataSource, institution, [allianceId], page);
  }

  /** Loads and locks memberships, keyed `<allianceId>/<memberId>` (in key order, to avoid deadlocks). */
  async lockMany(
    m: EntityManager,
    institution: string,
    keys: Array<{ allianceId: string; memberId: string }>,
    mode: 'update' | 'share',
  ): Promise<Map<string, MemberState>> {
    const rows = await memberTable.lock(
      m,
      institution,
      keys.map((k) => [k.allianceId, k.memberId]),
      mode,
    );
    return new Map(rows.map((r) => [memberKey(r.allianceId, r.memberId), r]));
  }

  saveMany(m: EntityManager, institution: string, created: MemberState[], updated: MemberState[]): Promise<void> {
    return memberTable.saveMany(m, institution, created, updated);
  }
}
