import { Injectable } from '@nestjs/common';
import { DomainError } from '@chanjiao/domain';
import { coalesced, decideWrite, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { EntityManager } from 'typeorm';
import { ProgramRepository } from '../programs/program.repository';
import { CreateEnrollmentDto } from './enrollment.dto';
import { decideEnroll, decideLifecycle, EnrollmentDecision, EnrollmentState, LifecycleCommand } from './enrollment.domain';
import { EnrollmentErrorCode, fail } from './enrollment.errors';
import { EnrollmentRepository } from './enrollment.repository';

export type LifecycleItem = { studentId: string; command: LifecycleCommand };

@Injectable()
export class EnrollmentService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly enroll = coalesced(this.enrollMany.bind(this));
  readonly lifecycle = coalesced(this.lifecycleMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly enrollments: EnrollmentRepository,
    private readonly programs: ProgramRepository,
  ) {}

  enrollMany(ctx: WriteContext, items: CreateEnrollmentDto[]): Promise<Array<ItemResult<EnrollmentState>>> {
    return this.apply(
      ctx,
      items.map((i) => i.studentId),
      items.map((i) => i.programCode),
      (current, index) => {
        const i = items[index]!;
        return decideEnroll(current, {
          studentId: i.studentId,
          programCode: i.programCode,
          cohortYear: i.cohortYear,
          level: i.level,
          pathway: i.pathway,
          partnerInstitution: i.partnerInstitution ?? null,
          orderClassId: i.orderClassId ?? null,
          apprenticeship: i.apprenticeship ?? false,
          originRegion: i.originRegion ?? null,
        });
      },
      (index) => items[index]!.programCode,
    );
  }

  lifecycleMany(ctx: WriteContext, items: LifecycleItem[]): Promise<Array<ItemResult<EnrollmentState>>> {
    return this.apply(
      ctx,
      items.map((i) => i.studentId),
      items.flatMap((i) => (i.command.kind === 'transfer' ? [i.command.programCode] : [])),
      (current, index) => decideLifecycle(current, items[index]!.studentId, items[index]!.command),
      (index) => {
        const c = items[index]!.command;
        return c.kind === 'transfer' ? c.programCode : undefined;
      },
    );
  }

  async get(institution: string, studentId: string): Promise<EnrollmentState> {
    const found = await this.enrollments.find(institution, studentId);
    if (!found) throw new DomainError('not_found', EnrollmentErrorCode.StudentNotFound, `no enrollment for student ${studentId}`);
    return found;
  }

  /**
   * Decides every item in order inside one transaction (an id repeated in the batch sees the
   * earlier item's effect), then writes changed rows and their events together. An item naming a
   * program the institution does not have is refused before it is decided.
   */
  private apply(
    ctx: WriteContext,
    studentIds: string[],
    programCodes: string[],
    decide: (current: EnrollmentState | undefined, index: number) => EnrollmentDecision,
    programOf: (index: number) => string | undefined,
  ): Promise<Array<ItemResult<EnrollmentState>>> {
    return this.uow.run(async (m: EntityManager) => {
      // Asked for together: they share a round trip (and it opens the transaction).
      const [known, current] = await Promise.all([
        programCodes.length ? this.programs.existingCodes(m, ctx.institution, programCodes) : new Set<string>(),
        this.enrollments.lockMany(m, ctx.institution, studentIds),
      ]);
      const write = decideWrite(ctx, current, studentIds, (row, index) => {
        const program = programOf(index);
        if (program !== undefined && !known.has(program)) {
          return fail(
            'invalid',
            EnrollmentErrorCode.UnknownProgram,
            `programCode ${program} is not a program of ${ctx.institution}; PUT /programs/${program} first`,
            'programCode',
          );
        }
        return decide(row, index);
      });
      await this.enrollments.saveMany(m, ctx.institution, write.created, write.updated);
      return write;
    });
  }
}
