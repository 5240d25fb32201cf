import { Injectable } from '@nestjs/common';
import { DomainError } from '@chanjiao/domain';
import { Page, PageRequest } from '@chanjiao/persistence';
import { coalesced, decideWrite, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { PlacementErrorCode } from '../placement.errors';
import { CreateInternshipDto } from './internship.dto';
import { decideCompletion, decideInternshipPost, InternshipDecision, InternshipState } from './internship.domain';
import { InternshipRepository } from './internship.repository';

export type CompletionItem = { internshipId: string; endDate: string };

@Injectable()
export class InternshipService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly post = coalesced(this.postMany.bind(this));
  readonly complete = coalesced(this.completeMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly internships: InternshipRepository,
  ) {}

  postMany(ctx: WriteContext, items: CreateInternshipDto[]): Promise<Array<ItemResult<InternshipState>>> {
    return this.apply(
      ctx,
      items.map((i) => i.internshipId),
      (current, n) => {
        const i = items[n]!;
        return decideInternshipPost(current, {
          internshipId: i.internshipId,
          studentId: i.studentId,
          kind: i.kind,
          employerPartnerId: i.employerPartnerId ?? null,
          employerName: i.employerName ?? null,
          region: i.region,
          startDate: i.startDate,
          endDate: i.endDate ?? null,
        });
      },
    );
  }

  completeMany(ctx: WriteContext, items: CompletionItem[]): Promise<Array<ItemResult<InternshipState>>> {
    return this.apply(
      ctx,
      items.map((i) => i.internshipId),
      (current, n) => decideCompletion(current, items[n]!.internshipId, items[n]!.endDate),
    );
  }

  async get(institution: string, internshipId: string): Promise<InternshipState> {
    const found = await this.internships.find(institution, internshipId);
    if (!found) throw new DomainError('not_found', PlacementErrorCode.InternshipNotFound, `no internship ${internshipId}`);
    return found;
  }

  listByStudent(institution: string, studentId: string, page: PageRequest): Promise<Page<InternshipState>> {
    return this.internships.pageByStudent(institution, studentId, page);
  }

  /** Decides every item in order in one transaction (a repeated id sees the earlier item), then writes rows and events together. */
  private apply(
    ctx: WriteContext,
    ids: string[],
    decide: (current: InternshipState | undefined, index: number) => InternshipDecision,
  ): Promise<Array<ItemResult<InternshipState>>> {
    return this.uow.run(async (m) => {
      const write = decideWrite(ctx, await this.internships.lockMany(m, ctx.institution, ids), ids, decide);
      await this.internships.saveMany(m, ctx.institution, write.created, write.updated);
      return write;
    });
  }
}
