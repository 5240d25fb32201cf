import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, ValidateBy, ValidationOptions } from 'class-validator';
import {
  DESTINATION_CATEGORIES,
  DESTINATION_DETAILS,
  DestinationCategory,
  DestinationDetail,
  DETAIL_CATEGORY,
  detailFitsCategory,
  Sector,
  SECTORS,
} from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, IsRegionCode, IsText, IsYear, viewMapper } from '@chanjiao/edge';

/** `detail` must be one of the sub-kinds of the body's `category` (e.g. not `postgraduate` with `contract`). */
function FitsCategory(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'fitsCategory',
      validator: {
        validate: (value: unknown, args) => {
          const category = (args?.object as { category?: unknown }).category;
          // A bad category or an unknown detail is reported by their own checks.
          if (!(DESTINATION_CATEGORIES as readonly unknown[]).includes(category)) return true;
          if (typeof value !== 'string' || !Object.hasOwn(DETAIL_CATEGORY, value)) return true; // own keys: `toString` is no detail
          return detailFitsCategory(category as DestinationCategory, value as DestinationDetail);
        },
        defaultMessage: (args) => {
          const category = (args?.object as { category?: string }).category;
          const fitting = DESTINATION_DETAILS.filter((d) => DETAIL_CATEGORY[d] === category);
          return `detail ${String(args?.value)} is a ${DETAIL_CATEGORY[args?.value as DestinationDetail]} detail, not a ${category} one; ${
            fitting.length ? `with ${category} use one of ${fitting.join(', ')}` : `${category} takes no detail`
          }`;
        },
      },
    },
    options,
  );
}

export class PutDestinationDto {
  @ApiProperty({ example: 2022 })
  @IsYear()
  graduationYear!: number;

  @ApiProperty({ example: '460103' })
  @IsEntityId()
  programCode!: string;

  @ApiProperty({
    enum: DESTINATION_CATEGORIES,
    description: 'contract 协议和合同就业, flexible 灵活就业, entrepreneurship 自主创业, further_study 升学, not_placed 未就业',
  })
  @IsIn(DESTINATION_CATEGORIES)
  category!: DestinationCategory;

  @ApiPropertyOptional({
    enum: DESTINATION_DETAILS,
    description:
      'Sub-kind, must belong to category: contract ← employment_agreement, labor_contract, research_assistant, military_service, ' +
      'grassroots_project; flexible ← freelance, other_flexible; further_study ← upgrade_to_bachelor, postgraduate, abroad; ' +
      'not_placed ← seeking, not_seeking; entrepreneurship takes none',
  })
  @IsOptional()
  @IsIn(DESTINATION_DETAILS)
  @FitsCategory()
  detail?: DestinationDetail;

  @ApiPropertyOptional({ description: 'partnerId of the employer in the partnership service' })
  @IsOptional()
  @IsEntityId()
  employerPartnerId?: string;

  @ApiPropertyOptional({ description: 'Name of the employing organisation or school (never a person)' })
  @IsOptional()
  @IsString()
  @IsText(200)
  employerName?: string;

  @ApiPropertyOptional({ description: 'GB/T 2260 six-digit code of where the graduate works or studies', example: '652801' })
  @IsOptional()
  @IsRegionCode()
  region?: string;

  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: Sector;

  @ApiProperty({ description: 'The date this destination holds from', example: '2022-08-15' })
  @IsCalendarDate()
  effectiveDate!: string;

  @ApiProperty({ description: 'Verified by the careers office (核查)', example: true })
  @IsBoolean()
  verified!: boolean;
}

export class DestinationBatchItemDto extends PutDestinationDto {
  @ApiProperty({ example: '2019460101001' })
  @IsEntityId()
  studentId!: string;
}

export class DestinationVersionView {
  @ApiProperty() studentId!: string;
  @ApiProperty({ description: 'Version number (= event sequence)' }) version!: number;
  @ApiProperty() graduationYear!: number;
  @ApiProperty() programCode!: string;
  @ApiProperty({ enum: DESTINATION_CATEGORIES }) category!: DestinationCategory;
  @ApiProperty({ enum: DESTINATION_DETAILS, nullable: true }) detail!: DestinationDetail | null;
  @ApiProperty({ nullable: true, type: String }) employerPartnerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) employerName!: string | null;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ enum: SECTORS, nullable: true }) sector!: Sector | null;
  @ApiProperty() effectiveDate!: string;
  @ApiProperty() verified!: boolean;
}

export class DestinationSpanView {
  @ApiProperty({ example: '2022-08-15', description: 'First day the version is in force' }) from!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'The day the next version comes into force (not included); null: in force from `from` on',
  })
  until!: string | null;
  @ApiProperty({ description: 'The version in force' }) version!: number;
}

export class DestinationHistoryView extends DestinationVersionView {
  @ApiProperty({
    type: [DestinationVersionView],
    description: 'Every version in recording order (the last, whose fields the answer repeats, is in force from its effectiveDate on)',
  })
  versions!: DestinationVersionView[];

  @ApiProperty({
    type: [DestinationSpanView],
    description:
      'The version in force from day to day, as the reports count it: on each day the most recently recorded version whose ' +
      'effectiveDate is on or before it, so a correction recorded with an earlier date supersedes the versions before it from its own ' +
      'date on; versions it supersedes entirely never appear. No destination is in force before the first span.',
  })
  timeline!: DestinationSpanView[];
}

const VERSION_KEYS = [
  'studentId',
  'version',
  'graduationYear',
  'programCode',
  'category',
  'detail',
  'employerPartnerId',
  'employerName',
  'region',
  'sector',
  'effectiveDate',
  'verified',
] as const;

export const toDestinationVersionView = viewMapper(DestinationVersionView, VERSION_KEYS);
const toDestinationSpanView = viewMapper(DestinationSpanView, ['from', 'until', 'version']);
export const toDestinationHistoryView = viewMapper(DestinationHistoryView, [...VERSION_KEYS, 'versions', 'timeline'], {
  versions: toDestinationVersionView,
  timeline: toDestinationSpanView,
});
