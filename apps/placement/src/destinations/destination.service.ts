import { Injectable } from '@nestjs/common';
import { buildEvent, CloudEvent, DestinationRecorded, DestinationVersion } from '@chanjiao/contracts';
import { coalesced, DomainError, ItemResult, actorAt, traceparentAt, WriteContext, WriteUnitOfWork } from '@chanjiao/platform';
import { PlacementErrorCode } from '../placement.errors';
import { DestinationBatchItemDto } from './destination.dto';
import { decideDestinationPut } from './destination.domain';
import { DestinationRepository } from './destination.repository';

@Injectable()
export class DestinationService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly put = coalesced(this.putMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly destinations: DestinationRepository,
  ) {}

  /** Applies PUTs in order in one transaction; a student repeated in the batch sees the earlier item. */
  putMany(ctx: WriteContext, items: DestinationBatchItemDto[]): Promise<Array<ItemResult<DestinationVersion>>> {
    return this.uow.run(async (m) => {
      const latest = await this.destinations.latestMany(
        m,
        ctx.institution,
        items.map((i) => i.studentId),
      );
      const appended: DestinationVersion[] = [];
      const events: CloudEvent[] = [];
      const results = items.map((i, index): ItemResult<DestinationVersion> => {
        const d = decideDestinationPut(latest.get(i.studentId), {
          studentId: i.studentId,
          graduationYear: i.graduationYear,
          programCode: i.programCode,
          category: i.category,
          detail: i.detail ?? null,
          employerPartnerId: i.employerPartnerId ?? null,
          employerName: i.employerName ?? null,
          region: i.region ?? null,
          sector: i.sector ?? null,
          effectiveDate: i.effectiveDate,
          verified: i.verified,
        });
        if (d.emit) {
          latest.set(i.studentId, d.state);
          appended.push(d.state);
          events.push(
            buildEvent(DestinationRecorded, {
              institution: ctx.institution,
              subject: i.studentId,
              sequence: d.state.version,
              data: d.state,
              traceparent: traceparentAt(ctx, index),
              actor: actorAt(ctx, index),
            }),
          );
        }
        return { ok: true, outcome: d.outcome, value: d.state };
      });
      await this.destinations.append(m, ctx.institution, appended);
      return { result: results, events };
    });
  }

  async history(institution: string, studentId: string): Promise<DestinationVersion[]> {
    const versions = await this.destinations.history(institution, studentId);
    if (versions.length === 0) {
      throw new DomainError('not_found', PlacementErrorCode.DestinationNotFound, `no destination for student ${studentId}`);
    }
    return versions;
  }
}
