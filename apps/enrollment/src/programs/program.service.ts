import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_ENV, type ServiceEnv } from '@chanjiao/config';
import { DomainError } from '@chanjiao/domain';
import { Page, PageRequest } from '@chanjiao/persistence';
import { coalesced, decideWrite, ItemResult, Quota, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { ProgramBatchItemDto } from './program.dto';
import { decideProgramPut, ProgramState } from './program.domain';
import { ProgramRepository } from './program.repository';
import { EnrollmentErrorCode } from '../enrollments/enrollment.errors';

@Injectable()
export class ProgramService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly put = coalesced(this.putMany.bind(this));

  /** An overview or list reads an institution's programs: a college has tens, 10,000 is far past any. */
  private readonly quota: Quota;

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly programs: ProgramRepository,
    @Inject(SERVICE_ENV) env: ServiceEnv,
  ) {
    this.quota = new Quota('MAX_PROGRAMS_PER_INSTITUTION', ['专业', 'programs'], env.MAX_PROGRAMS_PER_INSTITUTION, 'programs');
  }

  /** Applies PUTs in order in one transaction; an item repeated in the batch sees the earlier one. */
  putMany(ctx: WriteContext, items: ProgramBatchItemDto[]): Promise<Array<ItemResult<ProgramState>>> {
    return this.uow.run(async (m) => {
      const codes = items.map((i) => i.code);
      const current = await this.programs.lockMany(m, ctx.institution, codes);
      const room = items.some((i) => !current.has(i.code)) ? await this.quota.room(m, ctx.institution) : undefined;
      const write = decideWrite(ctx, current, codes, (row, index) => {
        const item = items[index]!;
        const d = decideProgramPut(row, {
          code: item.code,
          name: item.name,
          category: item.category,
          cluster: item.cluster ?? null,
          level: item.level,
          sectors: item.sectors,
          status: item.status,
        });
        return room ? room.admit(d) : d;
      });
      await this.programs.saveMany(m, ctx.institution, write.created, write.updated);
      return write;
    });
  }

  async get(institution: string, code: string): Promise<ProgramState> {
    const found = await this.programs.find(institution, code);
    if (!found) throw new DomainError('not_found', EnrollmentErrorCode.ProgramNotFound, `no program ${code}`);
    return found;
  }

  list(institution: string, page: PageRequest): Promise<Page<ProgramState>> {
    return this.programs.page(institution, page);
  }
}
