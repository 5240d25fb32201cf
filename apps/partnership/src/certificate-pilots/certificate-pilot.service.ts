import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@chanjiao/domain';
import { coalesced, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { decideAll } from '../common/decide';
import { checkPartners } from '../partners/partner-check';
import { PartnerRepository } from '../partners/partner.repository';
import { PartnershipErrorCode as Code } from '../partnership.errors';
import { CreateCertificatePilotDto, PilotResultsBatchItemDto } from './certificate-pilot.dto';
import { CertificatePilotState, decideLaunch, decideResults } from './certificate-pilot.domain';
import { CertificatePilotRepository } from './certificate-pilot.repository';

@Injectable()
export class CertificatePilotService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly launchOne = coalesced(this.launchMany.bind(this));
  readonly resultsOne = coalesced(this.resultsMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly pilots: CertificatePilotRepository,
    private readonly partners: PartnerRepository,
  ) {}

  launchMany(ctx: WriteContext, items: CreateCertificatePilotDto[]): Promise<Array<ItemResult<CertificatePilotState>>> {
    return this.uow.run(async (m) => {
      const problems = await checkPartners(
        m,
        this.partners,
        ctx.institution,
        items.map((i) => [i.partnerId]),
        'partnerId',
      );
      return decideAll(
        m,
        ctx,
        this.pilots,
        items.map((i) => i.pilotId),
        (current, n) => {
          const i = items[n]!;
          return decideLaunch(current, Object.assign({}, i, { level: i.level ?? null }));
        },
        problems,
      );
    });
  }

  resultsMany(ctx: WriteContext, items: PilotResultsBatchItemDto[]): Promise<Array<ItemResult<CertificatePilotState>>> {
    return this.uow.run((m) =>
      decideAll(
        m,
        ctx,
        this.pilots,
        items.map((i) => i.pilotId),
        (current, n) => decideResults(current, items[n]!.pilotId, items[n]!),
      ),
    );
  }

  async get(institution: string, id: string): Promise<CertificatePilotState> {
    const found = await this.pilots.find(this.dataSource, institution, id);
    if (!found) throw new DomainError('not_found', Code.PilotNotFound, `no certificate pilot ${id}`);
    return found;
  }
}
