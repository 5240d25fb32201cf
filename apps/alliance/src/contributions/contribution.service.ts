import { Injectable } from '@nestjs/common';
import { allianceChildSubject } from '@chanjiao/contracts';
import { coalesced, Page, PageRequest, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/platform';
import { allianceNotFound, Staging, subjectError } from '../common/staging';
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
      const staging = new Staging<ContributionState>(ctx);
      const results = items.map((i, index): ItemResult<ContributionState> => {
        if (!alliances.has(i.allianceId)) return { ok: false, error: allianceNotFound(i.allianceId) };
        const tooLong = subjectError(i.allianceId, i.contributionId, 'contributionId');
        if (tooLong) return { ok: false, error: tooLong };
        const key = contributionKey(i.allianceId, i.contributionId);
        const d = decideContribution(
          current.get(key),
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
        if (d.ok) current.set(key, d.state);
        return staging.apply(index, key, allianceChildSubject(i.allianceId, i.contributionId), d, () => 1);
      });
      await this.contributions.insertMany(m, ctx.institution, [...staging.created.values()]);
      return { result: results, events: staging.events };
    });
  }

  async list(institution: string, allianceId: string, page: PageRequest): Promise<Page<ContributionState>> {
    if (!(await this.alliances.find(institution, allianceId))) throw allianceNotFound(allianceId);
    return this.contributions.page(institution, allianceId, page);
  }
}
