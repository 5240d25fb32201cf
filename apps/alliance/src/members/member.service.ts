import { Injectable } from '@nestjs/common';
import { allianceChildSubject } from '@chanjiao/contracts';
import { DomainError } from '@chanjiao/domain';
import { Page, PageRequest } from '@chanjiao/persistence';
import { coalesced, decideWrite, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { AllianceErrorCode } from '../common/alliance.errors';
import type { Decision } from '@chanjiao/domain';
import { allianceNotFound, childRefused } from '../common/refusals';
import { AllianceState } from '../alliances/alliance.domain';
import { AllianceRepository } from '../alliances/alliance.repository';
import { decideJoin, decideMemberChange, MemberCommand, MemberState } from './member.domain';
import { JoinBatchItemDto } from './member.dto';
import { memberKey, MemberRepository } from './member.repository';

export interface MemberChangeItem {
  allianceId: string;
  memberId: string;
  command: MemberCommand;
}

@Injectable()
export class MemberService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly changeOne = coalesced(this.changeMany.bind(this));
  readonly joinOne = coalesced(this.joinMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly alliances: AllianceRepository,
    private readonly members: MemberRepository,
  ) {}

  joinMany(ctx: WriteContext, items: JoinBatchItemDto[]): Promise<Array<ItemResult<MemberState>>> {
    return this.apply(ctx, items, (alliance, existing, i) =>
      decideJoin(
        existing,
        { allianceId: i.allianceId, memberId: i.memberId, memberKind: i.memberKind, role: i.role, joinedOn: i.joinedOn },
        alliance.foundedOn,
      ),
    );
  }

  changeMany(ctx: WriteContext, items: MemberChangeItem[]): Promise<Array<ItemResult<MemberState>>> {
    return this.apply(ctx, items, (_alliance, existing, i) => decideMemberChange(existing, i.allianceId, i.memberId, i.command));
  }

  async get(institution: string, allianceId: string, memberId: string): Promise<MemberState> {
    const found = await this.members.find(institution, allianceId, memberId);
    if (!found) {
      throw new DomainError('not_found', AllianceErrorCode.MemberNotFound, `${memberId} has never been a member of ${allianceId}`);
    }
    return found;
  }

  async list(institution: string, allianceId: string, page: PageRequest): Promise<Page<MemberState>> {
    if (!(await this.alliances.find(institution, allianceId))) throw allianceNotFound(allianceId);
    return this.members.page(institution, allianceId, page);
  }

  /** Decides every item in order in one transaction (a member repeated in the batch sees the earlier item). */
  private apply<I extends { allianceId: string; memberId: string }>(
    ctx: WriteContext,
    items: I[],
    decide: (alliance: AllianceState, existing: MemberState | undefined, item: I) => Decision<MemberState>,
  ): Promise<Array<ItemResult<MemberState>>> {
    return this.uow.run(async (m) => {
      const alliances = await this.alliances.lockMany(
        m,
        ctx.institution,
        items.map((i) => i.allianceId),
        'share',
      );
      const current = await this.members.lockMany(m, ctx.institution, items, 'update');
      const write = decideWrite(
        ctx,
        current,
        items.map((i) => memberKey(i.allianceId, i.memberId)),
        (row, index) => {
          const i = items[index]!;
          return childRefused(alliances, i.allianceId, i.memberId, 'memberId') ?? decide(alliances.get(i.allianceId)!, row, i);
        },
        { subject: (_key, _state, index) => allianceChildSubject(items[index]!.allianceId, items[index]!.memberId) },
      );
      await this.members.saveMany(m, ctx.institution, write.created, write.updated);
      return write;
    });
  }
}
