import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { INTERNSHIP_KINDS, InternshipKind } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, IsRegionCode, IsText, PageQuery, viewMapper } from '@chanjiao/edge';

export class CreateInternshipDto {
  @ApiProperty({ description: 'Internship id chosen by the careers office system', example: 'INT-2022-000001' })
  @IsEntityId()
  internshipId!: string;

  @ApiProperty({ description: "The institution's student number (no personal data)", example: '2020460101001' })
  @IsEntityId()
  studentId!: string;

  @ApiProperty({ enum: INTERNSHIP_KINDS, description: 'cognitive 认识实习, follow 跟岗实习, post 顶岗/岗位实习' })
  @IsIn(INTERNSHIP_KINDS)
  kind!: InternshipKind;

  @ApiPropertyOptional({ description: 'partnerId of the employer in the partnership service' })
  @IsOptional()
  @IsEntityId()
  employerPartnerId?: string;

  @ApiPropertyOptional({ description: 'Name of the employing organisation (never a person)', example: '新疆某石化有限公司' })
  @IsOptional()
  @IsString()
  @IsText(200)
  employerName?: string;

  @ApiProperty({ description: 'GB/T 2260 six-digit code of where the internship takes place', example: '652801' })
  @IsRegionCode()
  region!: string;

  @ApiProperty({ example: '2022-03-01' })
  @IsCalendarDate()
  startDate!: string;

  @ApiPropertyOptional({ description: 'On or after startDate', example: '2022-06-30' })
  @IsOptional()
  @IsCalendarDate()
  endDate?: string;
}

export class CompletionDto {
  @ApiProperty({ description: 'On or after the internship startDate', example: '2022-06-30' })
  @IsCalendarDate()
  endDate!: string;
}

export class CompletionBatchItemDto extends CompletionDto {
  @ApiProperty({ example: 'INT-2022-000001' }) @IsEntityId() internshipId!: string;
}

export class InternshipView {
  @ApiProperty() internshipId!: string;
  @ApiProperty() studentId!: string;
  @ApiProperty({ enum: INTERNSHIP_KINDS }) kind!: InternshipKind;
  @ApiProperty({ nullable: true, type: String }) employerPartnerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) employerName!: string | null;
  @ApiProperty() region!: string;
  @ApiProperty() startDate!: string;
  @ApiProperty({ nullable: true, type: String }) endDate!: string | null;
  @ApiProperty({ description: 'Sequence of the latest event about this internship' }) version!: number;
}

export class InternshipListQuery extends PageQuery {
  @ApiProperty({ description: 'Student number' })
  @IsEntityId()
  studentId!: string;
}

export const toInternshipView = viewMapper(InternshipView, [
  'internshipId',
  'studentId',
  'kind',
  'employerPartnerId',
  'employerName',
  'region',
  'startDate',
  'endDate',
  'version',
]);
