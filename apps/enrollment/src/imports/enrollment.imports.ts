import { PATHWAY_LABELS, PROGRAM_LEVEL_LABELS, PROGRAM_STATUS_LABELS, SECTOR_LABELS } from '@chanjiao/contracts';
import { col, enumCol, ImportSpec, type TitleText } from '@chanjiao/imports';
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
      col('code', ['专业代码', '專業代碼'], 'string', '460103'),
      col('name', ['专业名称', '專業名稱'], 'string', '石油化工技术'),
      col('category', ['专业大类代码', '專業大類代碼'], 'string', '47'),
      col('cluster', ['专业群', '專業群'], 'string', '石油石化专业群', false),
      enumCol('level', ['层次', '層次'], PROGRAM_LEVEL_LABELS, 'higher_vocational'),
      enumCol('sectors', ['面向产业', '面向產業'], SECTOR_LABELS, 'chemical_materials;green_energy', true, 'list'),
      enumCol('status', ['招生状态', '招生狀態'], PROGRAM_STATUS_LABELS, 'open'),
    ],
    write: (ctx, items) => programs.putMany(ctx, items),
  };
  const enrollmentsSpec: ImportSpec<CreateEnrollmentDto> = {
    entity: 'enrollments',
    idColumn: 'studentId',
    dto: CreateEnrollmentDto,
    columns: [
      col('studentId', ['学号', '學號'], 'string', '2022460101001'),
      col('programCode', ['专业代码', '專業代碼'], 'string', '460103'),
      col('cohortYear', ['入学年份', '入學年份'], 'integer', '2022'),
      enumCol('level', ['层次', '層次'], PROGRAM_LEVEL_LABELS, 'higher_vocational'),
      enumCol('pathway', ['培养模式', '培養模式'], PATHWAY_LABELS, 'regular'),
      col('partnerInstitution', '合作院校', 'string', '', false),
      col('orderClassId', ['订单班编号', '訂單班編號'], 'string', '', false),
      col('apprenticeship', ['是否现代学徒制', '是否現代學徒制'], 'boolean', 'false', false),
      col('originRegion', ['生源地代码', '生源地代碼'], 'string', '652801', false),
    ],
    write: (ctx, items) => enrollments.enrollMany(ctx, items),
  };
  const lifecycle = <T extends { studentId: string; date: string }>(
    entity: string,
    dto: ImportSpec<T>['dto'],
    dateTitle: TitleText,
    extra: ImportSpec['columns'],
    command: (item: T) => Parameters<EnrollmentService['lifecycleMany']>[1][number]['command'],
  ): ImportSpec<T> => ({
    entity,
    idColumn: 'studentId',
    dto,
    columns: [col('studentId', ['学号', '學號'], 'string', '2022460101001'), col('date', dateTitle, 'date', '2023-06-30'), ...extra],
    write: (ctx, items) =>
      enrollments.lifecycleMany(
        ctx,
        items.map((i) => ({ studentId: i.studentId, command: command(i) })),
      ),
  });
  return [
    programsSpec,
    enrollmentsSpec,
    lifecycle<CancellationBatchItemDto>('cancellations', CancellationBatchItemDto, ['注销日期', '註銷日期'], [], (i) => ({
      kind: 'cancellation',
      date: i.date,
    })),
    lifecycle<WithdrawalBatchItemDto>(
      'withdrawals',
      WithdrawalBatchItemDto,
      ['退学日期', '退學日期'],
      [col('reason', '原因', 'string', '', false)],
      (i) => ({
        kind: 'withdrawal',
        date: i.date,
        reason: i.reason ?? null,
      }),
    ),
    lifecycle<TransferBatchItemDto>(
      'transfers',
      TransferBatchItemDto,
      ['转专业日期', '轉專業日期'],
      [col('programCode', ['专业代码', '專業代碼'], 'string', '460104')],
      (i) => ({
        kind: 'transfer',
        date: i.date,
        programCode: i.programCode,
      }),
    ),
    lifecycle<GraduationBatchItemDto>(
      'graduations',
      GraduationBatchItemDto,
      ['毕业日期', '畢業日期'],
      [col('graduationYear', ['毕业年份', '畢業年份'], 'integer', '2023')],
      (i) => ({
        kind: 'graduation',
        date: i.date,
        graduationYear: i.graduationYear,
      }),
    ),
  ] as ImportSpec[];
}
