import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@chanjiao/domain';
import { coalesced, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { decideAll } from '../common/decide';
import { checkPartners } from '../partners/partner-check';
import { PartnerRepository } from '../partners/partner.repository';
import { PartnershipErrorCode as Code } from '../partnership.errors';
import { CreateIndustryCollegeDto } from './industry-college.dto';
import { IndustryCollegeState, decideFound } from './industry-college.domain';
import { IndustryCollegeRepository } from './industry-college.repository';

@Injectable()
export class IndustryCollegeService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly foundOne = coalesced(this.foundMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly colleges: IndustryCollegeRepository,
    private readonly partners: PartnerRepository,
  ) {}

  foundMany(ctx: WriteContext, items: CreateIndustryCollegeDto[]): Promise<Array<ItemResult<IndustryCollegeState>>> {
    return this.uow.run(async (m) => {
      const problems = await checkPartners(
        m,
        this.partners,
        ctx.institution,
        items.map((i) => i.partnerIds),
        'partnerIds',
      );
      return decideAll(
        m,
        ctx,
        this.colleges,
        items.map((i) => i.collegeId),
        (current, n) => {
          const i = items[n]!;
          return decideFound(current, {
            collegeId: i.collegeId,
            name: i.name,
            partnerIds: i.partnerIds,
            programCodes: i.programCodes ?? [],
            foundedOn: i.foundedOn,
          });
        },
        problems,
      );
    });
  }

  async get(institution: string, id: string): Promise<IndustryCollegeState> {
    const found = await this.colleges.find(this.dataSource, institution, id);
    if (!found) throw new DomainError('not_found', Code.IndustryCollegeNotFound, `no industry college ${id}`);
    return found;
  }
}
