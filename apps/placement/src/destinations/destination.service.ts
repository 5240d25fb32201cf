import { Injectable } from '@nestjs/common';
import { DestinationVersion } from '@chanjiao/contracts';
import { DomainError } from '@chanjiao/domain';
import { coalesced, decideWrite, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
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

  /** Applies PUTs in order in one transaction; a student repeated in the batch sees the earlier item. Each version is a row. */
  putMany(ctx: WriteContext, items: DestinationBatchItemDto[]): Promise<Array<ItemResult<DestinationVersion>>> {
    return this.uow.run(async (m) => {
      const studentIds = items.map((i) => i.studentId);
      const latest = await this.destinations.latestMany(m, ctx.institution, studentIds);
      const write = decideWrite(ctx, latest, studentIds, (row, index) => {
        const i = items[index]!;
        return decideDestinationPut(row, {
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
      });
      await this.destinations.append(m, ctx.institution, write.changes);
      return write;
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
