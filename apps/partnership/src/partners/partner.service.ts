import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@chanjiao/domain';
import { Page } from '@chanjiao/persistence';
import { coalesced, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { PageQuery, pageRequest } from '@chanjiao/edge';
import { decideAll } from '../common/decide';
import { PartnershipErrorCode } from '../partnership.errors';
import { PartnerBatchItemDto } from './partner.dto';
import { decidePartnerPut, PartnerState } from './partner.domain';
import { PartnerRepository } from './partner.repository';

@Injectable()
export class PartnerService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly putOne = coalesced(this.putMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly partners: PartnerRepository,
  ) {}

  putMany(ctx: WriteContext, items: PartnerBatchItemDto[]): Promise<Array<ItemResult<PartnerState>>> {
    return this.uow.run((m) =>
      decideAll(
        m,
        ctx,
        this.partners,
        items.map((i) => i.partnerId),
        (current, n) => {
          const i = items[n]!;
          return decidePartnerPut(current, {
            partnerId: i.partnerId,
            name: i.name,
            kind: i.kind,
            creditCode: i.creditCode ?? null,
            sector: i.sector,
            region: i.region ?? null,
            ieiLevel: i.ieiLevel ?? 'none',
          });
        },
      ),
    );
  }

  async get(institution: string, partnerId: string): Promise<PartnerState> {
    const found = await this.partners.find(this.dataSource, institution, partnerId);
    if (!found) throw new DomainError('not_found', PartnershipErrorCode.PartnerNotFound, `no partner ${partnerId}`);
    return found;
  }

  list(institution: string, page: PageQuery): Promise<Page<PartnerState>> {
    return this.partners.page(this.dataSource, institution, pageRequest(page, this.partners.keyParts));
  }
}
