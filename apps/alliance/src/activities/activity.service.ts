import { Injectable } from '@nestjs/common';
import { allianceChildSubject } from '@chanjiao/contracts';
import { coalesced, Page, PageRequest, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/platform';
import { allianceNotFound, Staging, subjectError } from '../common/staging';
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
      const staging = new Staging<ActivityState>(ctx);
      const results = items.map((i, index): ItemResult<ActivityState> => {
        if (!alliances.has(i.allianceId)) return { ok: false, error: allianceNotFound(i.allianceId) };
        const tooLong = subjectError(i.allianceId, i.activityId, 'activityId');
        if (tooLong) return { ok: false, error: tooLong };
        const key = activityKey(i.allianceId, i.activityId);
        const d = decideActivity(
          current.get(key),
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
        if (d.ok) current.set(key, d.state);
        return staging.apply(index, key, allianceChildSubject(i.allianceId, i.activityId), d, () => 1);
      });
      await this.activities.insertMany(m, ctx.institution, [...staging.created.values()]);
      return { result: results, events: staging.events };
    });
  }

  async list(institution: string, allianceId: string, page: PageRequest): Promise<Page<ActivityState>> {
    if (!(await this.alliances.find(institution, allianceId))) throw allianceNotFound(allianceId);
    return this.activities.page(institution, allianceId, page);
  }
}
