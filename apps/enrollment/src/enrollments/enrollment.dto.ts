import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { Pathway, PATHWAYS, PROGRAM_LEVELS, ProgramLevel } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, IsRegionCode, IsText, IsYear, viewMapper } from '@chanjiao/edge';

export class CreateEnrollmentDto {
  @ApiProperty({ description: "The institution's student number (no personal data)", example: '2022460101001' })
  @IsEntityId()
  studentId!: string;

  @ApiProperty({ example: '460103' })
  @IsEntityId()
  programCode!: string;

  @ApiProperty({ example: 2022 })
  @IsYear()
  cohortYear!: number;

  @ApiProperty({ enum: PROGRAM_LEVELS })
  @IsIn(PROGRAM_LEVELS)
  level!: ProgramLevel;

  @ApiProperty({ enum: PATHWAYS })
  @IsIn(PATHWAYS)
  pathway!: Pathway;

  @ApiPropertyOptional({ description: 'Partner school or university of a 3+2 / 2+3 pathway' })
  @IsOptional()
  @IsString()
  @IsText(200)
  partnerInstitution?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEntityId()
  orderClassId?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  apprenticeship?: boolean;

  @ApiPropertyOptional({ description: "GB/T 2260 six-digit code of the student's home region", example: '652801' })
  @IsOptional()
  @IsRegionCode()
  originRegion?: string;
}

export class CancellationDto {
  @ApiProperty({ example: '2022-09-15' })
  @IsCalendarDate()
  date!: string;
}

export class WithdrawalDto {
  @ApiProperty({ example: '2023-03-01' })
  @IsCalendarDate()
  date!: string;

  @ApiPropertyOptional({ description: 'Kept in the enrollment service only; never published' })
  @IsOptional()
  @IsString()
  @IsText(500)
  reason?: string;
}

export class TransferDto {
  @ApiProperty({ example: '2023-02-20' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: '460104' })
  @IsEntityId()
  programCode!: string;
}

export class GraduationDto {
  @ApiProperty({ example: '2022-06-30' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 2022 })
  @IsYear()
  graduationYear!: number;
}

export class CancellationBatchItemDto extends CancellationDto {
  @ApiProperty({ example: '2022460101001' }) @IsEntityId() studentId!: string;
}
export class WithdrawalBatchItemDto extends WithdrawalDto {
  @ApiProperty({ example: '2022460101001' }) @IsEntityId() studentId!: string;
}
export class TransferBatchItemDto extends TransferDto {
  @ApiProperty({ example: '2022460101001' }) @IsEntityId() studentId!: string;
}
export class GraduationBatchItemDto extends GraduationDto {
  @ApiProperty({ example: '2022460101001' }) @IsEntityId() studentId!: string;
}
export class TransferView {
  @ApiProperty() date!: string;
  @ApiProperty() fromProgramCode!: string;
  @ApiProperty() programCode!: string;
}

export class EnrollmentView {
  @ApiProperty() studentId!: string;
  @ApiProperty() programCode!: string;
  @ApiProperty() cohortYear!: number;
  @ApiProperty({ enum: PROGRAM_LEVELS }) level!: ProgramLevel;
  @ApiProperty({ enum: PATHWAYS }) pathway!: Pathway;
  @ApiProperty({ nullable: true, type: String }) partnerInstitution!: string | null;
  @ApiProperty({ nullable: true, type: String }) orderClassId!: string | null;
  @ApiProperty() apprenticeship!: boolean;
  @ApiProperty({ nullable: true, type: String }) originRegion!: string | null;
  @ApiProperty({ enum: ['enrolled', 'cancelled', 'withdrawn', 'graduated'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) cancelledOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawnOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) graduatedOn!: string | null;
  @ApiProperty({ nullable: true, type: Number }) graduationYear!: number | null;
  @ApiProperty({ type: [TransferView] }) transfers!: TransferView[];
  @ApiProperty({ description: 'Sequence of the latest event about this student' }) version!: number;
}

const toTransferView = viewMapper(TransferView, ['date', 'fromProgramCode', 'programCode']);

/** The API view of an enrollment: the withdrawal reason stays out (kept, never published). */
export const toEnrollmentView = viewMapper(
  EnrollmentView,
  [
    'studentId',
    'programCode',
    'cohortYear',
    'level',
    'pathway',
    'partnerInstitution',
    'orderClassId',
    'apprenticeship',
    'originRegion',
    'status',
    'cancelledOn',
    'withdrawnOn',
    'graduatedOn',
    'graduationYear',
    'transfers',
    'version',
  ],
  { transfers: toTransferView },
);
