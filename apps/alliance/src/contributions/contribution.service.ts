import { Injectable } from '@nestjs/common';
import { allianceChildSubject } from '@chanjiao/contracts';
import { Page, PageRequest } from '@chanjiao/persistence';
import { coalesced, decideWrite, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { allianceNotFound, childRefused } from '../common/refusals';
import { AllianceRepository } from '../alliances/alliance.repository';
import { memberKey, MemberRepository } from '../members/member.repository';
import { ContributionBatchItemDto } from './contribution.dto';
import { ContributionState, decideContribution } from './contribution.domain';
import { contributionKey, ContributionRepository } from './contribution.repository';

@Injectable()
export class ContributionService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly recordOne = coalesced(this.recordMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly alliances: AllianceRepository,
    private readonly members: MemberRepository,
    private readonly contributions: ContributionRepository,
  ) {}

  recordMany(ctx: WriteContext, items: ContributionBatchItemDto[]): Promise<Array<ItemResult<ContributionState>>> {
    return this.uow.run(async (m) => {
      const alliances = await this.alliances.lockMany(
        m,
        ctx.institution,
        items.map((i) => i.allianceId),
        'share',
      );
      // Memberships are share-locked: a departure cannot slip in between the check and the commit.
      const members = await this.members.lockMany(m, ctx.institution, items, 'share');
      const current = await this.contributions.lockMany(m, ctx.institution, items);
      const write = decideWrite(
        ctx,
        current,
        items.map((i) => contributionKey(i.allianceId, i.contributionId)),
        (row, index) => {
          const i = items[index]!;
          const refused = childRefused(alliances, i.allianceId, i.contributionId, 'contributionId');
          if (refused) return refused;
          return decideContribution(
            row,
            {
              allianceId: i.allianceId,
              contributionId: i.contributionId,
              memberId: i.memberId,
              kind: i.kind,
              amount: i.amount ?? null,
              description: i.description ?? null,
              date: i.date,
            },
            members.get(memberKey(i.allianceId, i.memberId)),
          );
        },
        // A contribution is recorded once: its event is the first and only one of its subject.
        {
          subject: (_key, _state, index) => allianceChildSubject(items[index]!.allianceId, items[index]!.contributionId),
          sequence: () => 1,
        },
      );
      await this.contributions.insertMany(m, ctx.institution, write.created);
      return write;
    });
  }

  async list(institution: string, allianceId: string, page: PageRequest): Promise<Page<ContributionState>> {
    if (!(await this.alliances.find(institution, allianceId))) throw allianceNotFound(allianceId);
    return this.contributions.page(institution, allianceId, page);
  }
}
