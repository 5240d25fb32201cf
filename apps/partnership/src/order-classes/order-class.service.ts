import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@chanjiao/domain';
import { coalesced, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { decideAll } from '../common/decide';
import { checkPartners } from '../partners/partner-check';
import { PartnerRepository } from '../partners/partner.repository';
import { PartnershipErrorCode } from '../partnership.errors';
import { CreateOrderClassDto } from './order-class.dto';
import { OrderClassState, decideOrderClass } from './order-class.domain';
import { OrderClassRepository } from './order-class.repository';

@Injectable()
export class OrderClassService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly createOne = coalesced(this.createMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly orderClasses: OrderClassRepository,
    private readonly partners: PartnerRepository,
  ) {}

  createMany(ctx: WriteContext, items: CreateOrderClassDto[]): Promise<Array<ItemResult<OrderClassState>>> {
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
        this.orderClasses,
        items.map((i) => i.orderClassId),
        (current, n) => {
          const i = items[n]!;
          return decideOrderClass(current, {
            orderClassId: i.orderClassId,
            partnerId: i.partnerId,
            programCode: i.programCode,
            cohortYear: i.cohortYear,
            students: i.students,
          });
        },
        problems,
      );
    });
  }

  async get(institution: string, id: string): Promise<OrderClassState> {
    const found = await this.orderClasses.find(this.dataSource, institution, id);
    if (!found) throw new DomainError('not_found', PartnershipErrorCode.OrderClassNotFound, `no order class ${id}`);
    return found;
  }
}
