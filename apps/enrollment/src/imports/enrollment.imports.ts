import { col, ImportSpec } from '@chanjiao/imports';
import {
  CancellationBatchItemDto,
  CreateEnrollmentDto,
  GraduationBatchItemDto,
  TransferBatchItemDto,
  WithdrawalBatchItemDto,
} from '../enrollments/enrollment.dto';
import { EnrollmentService } from '../enrollments/enrollment.service';
import { ProgramBatchItemDto } from '../programs/program.dto';
import { ProgramService } from '../programs/program.service';

/** What the admissions office can load from a spreadsheet: the same fields and rules as the API. */
export function enrollmentImportSpecs(programs: ProgramService, enrollments: EnrollmentService): ImportSpec[] {
  const programsSpec: ImportSpec<ProgramBatchItemDto> = {
    entity: 'programs',
    idColumn: 'code',
    dto: ProgramBatchItemDto,
    columns: [
      col('code', 'string', '460103'),
      col('name', 'string', '石油化工技术'),
      col('category', 'string', '47'),
      col('cluster', 'string', '石油石化专业群', false),
      col('level', 'string', 'higher_vocational'),
      col('sectors', 'list', 'chemical_materials;green_energy'),
      col('status', 'string', 'open'),
    ],
    write: (ctx, items) => programs.putMany(ctx, items),
  };
  const enrollmentsSpec: ImportSpec<CreateEnrollmentDto> = {
    entity: 'enrollments',
    idColumn: 'studentId',
    dto: CreateEnrollmentDto,
    columns: [
      col('studentId', 'string', '2022460101001'),
      col('programCode', 'string', '460103'),
      col('cohortYear', 'integer', '2022'),
      col('level', 'string', 'higher_vocational'),
      col('pathway', 'string', 'regular'),
      col('partnerInstitution', 'string', '', false),
      col('orderClassId', 'string', '', false),
      col('apprenticeship', 'boolean', 'false', false),
      col('originRegion', 'string', '652801', false),
    ],
    write: (ctx, items) => enrollments.enrollMany(ctx, items),
  };
  const lifecycle = <T extends { studentId: string; date: string }>(
    entity: string,
    dto: ImportSpec<T>['dto'],
    extra: ImportSpec['columns'],
    command: (item: T) => Parameters<EnrollmentService['lifecycleMany']>[1][number]['command'],
  ): ImportSpec<T> => ({
    entity,
    idColumn: 'studentId',
    dto,
    columns: [col('studentId', 'string', '2022460101001'), col('date', 'date', '2023-06-30'), ...extra],
    write: (ctx, items) =>
      enrollments.lifecycleMany(
        ctx,
        items.map((i) => ({ studentId: i.studentId, command: command(i) })),
      ),
  });
  return [
    programsSpec,
    enrollmentsSpec,
    lifecycle<CancellationBatchItemDto>('cancellations', CancellationBatchItemDto, [], (i) => ({ kind: 'cancellation', date: i.date })),
    lifecycle<WithdrawalBatchItemDto>('withdrawals', WithdrawalBatchItemDto, [col('reason', 'string', '', false)], (i) => ({
      kind: 'withdrawal',
      date: i.date,
      reason: i.reason ?? null,
    })),
    lifecycle<TransferBatchItemDto>('transfers', TransferBatchItemDto, [col('programCode', 'string', '460104')], (i) => ({
      kind: 'transfer',
      date: i.date,
      programCode: i.programCode,
    })),
    lifecycle<GraduationBatchItemDto>('graduations', GraduationBatchItemDto, [col('graduationYear', 'integer', '2023')], (i) => ({
      kind: 'graduation',
      date: i.date,
      graduationYear: i.graduationYear,
    })),
  ] as ImportSpec[];
}
