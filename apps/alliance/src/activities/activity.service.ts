import { Injectable } from '@nestjs/common';
import { allianceChildSubject } from '@chanjiao/contracts';
import { Page, PageRequest } from '@chanjiao/persistence';
import { coalesced, decideWrite, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { allianceNotFound, childRefused } from '../common/refusals';
import { AllianceRepository } from '../alliances/alliance.repository';
import { ActivityBatchItemDto } from './activity.dto';
import { ActivityState, decideActivity } from './activity.domain';
import { activityKey, ActivityRepository } from './activity.repository';

@Injectable()
export class ActivityService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly recordOne = coalesced(this.recordMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly alliances: AllianceRepository,
    private readonly activities: ActivityRepository,
  ) {}

  recordMany(ctx: WriteContext, items: ActivityBatchItemDto[]): Promise<Array<ItemResult<ActivityState>>> {
    return this.uow.run(async (m) => {
      const alliances = await this.alliances.lockMany(
        m,
        ctx.institution,
        items.map((i) => i.allianceId),
        'share',
      );
      const current = await this.activities.lockMany(m, ctx.institution, items);
      const write = decideWrite(
        ctx,
        current,
        items.map((i) => activityKey(i.allianceId, i.activityId)),
        (row, index) => {
          const i = items[index]!;
          const refused = childRefused(alliances, i.allianceId, i.activityId, 'activityId');
          if (refused) return refused;
          return decideActivity(
            row,
            {
              allianceId: i.allianceId,
              activityId: i.activityId,
              kind: i.kind,
              title: i.title,
              date: i.date,
              online: i.online,
              participants: i.participants ?? [],
              participantCount: i.participantCount ?? null,
            },
            alliances.get(i.allianceId)!.foundedOn,
          );
        },
        // An activity is recorded once: its event is the first and only one of its subject.
        { subject: (_key, _state, index) => allianceChildSubject(items[index]!.allianceId, items[index]!.activityId), sequence: () => 1 },
      );
      await this.activities.insertMany(m, ctx.institution, write.created);
      return write;
    });
  }

  async list(institution: string, allianceId: string, page: PageRequest): Promise<Page<ActivityState>> {
    if (!(await this.alliances.find(institution, allianceId))) throw allianceNotFound(allianceId);
    return this.activities.page(institution, allianceId, page);
  }
}
