import { ReportHeaderView, YearReportHeaderView } from './report-header.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DESTINATION_CATEGORIES, INTERNSHIP_KINDS, MAX_YEAR, MIN_YEAR } from '@chanjiao/contracts';
import { IsCalendarDate, QueryInteger } from '@chanjiao/edge';
import { RateView, ReportQuery } from './report.dto';

export const PLACEMENT_GROUPINGS = ['category', 'detail', 'program', 'sector', 'region'] as const;
export type PlacementGrouping = (typeof PLACEMENT_GROUPINGS)[number];

export class PlacementReportQuery extends ReportQuery {
  @ApiProperty({ description: 'Graduation year (cohort)', example: 2022 })
  @QueryInteger()
  @IsInt({ message: 'cohort must be a year such as 2022' })
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  cohort!: number;

  @ApiPropertyOptional({ description: 'Destinations effective on or before this date (default: today)', example: '2022-08-31' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional({ enum: PLACEMENT_GROUPINGS, default: 'category' })
  @IsOptional()
  @IsIn(PLACEMENT_GROUPINGS)
  by?: PlacementGrouping;
}

export class InternshipReportQuery extends ReportQuery {
  @ApiProperty({ description: 'Year the internships start in', example: 2022 })
  @QueryInteger()
  @IsInt({ message: 'year must be a year such as 2022' })
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year!: number;

  @ApiPropertyOptional({
    description: 'Internships starting from 1 January of the year to this date, or to 31 December when it is later (default: today)',
    example: '2022-12-31',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}

export class DataQualityQuery extends ReportQuery {
  @ApiPropertyOptional({ description: 'Only graduations / destinations of this graduation year' })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'year must be a year such as 2022' })
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year?: number;

  @ApiPropertyOptional({ description: 'Items listed per finding (counts are always complete)', default: 100, maximum: 1000 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(1000)
  limit?: number;
}

export class PlacementRow extends RateView {
  @ApiProperty({
    description:
      'Group: category/detail/sector/region value of the destination in effect ("none": not given, "unrecorded": no destination effective yet), or program code',
  })
  key!: string;
  @ApiPropertyOptional({
    description: 'by=program with several institutions: whose program (a row per institution and program; codes are per institution)',
  })
  institution?: string;
  @ApiPropertyOptional({ description: 'by=program: the program name' }) label?: string;
  @ApiPropertyOptional({ description: 'by=region: whether the region is local' }) local?: boolean;
}

export class PlacementReportView extends ReportHeaderView {
  @ApiProperty() cohort!: number;
  @ApiProperty({ description: 'The date destinations are taken at' }) date!: string;
  @ApiProperty({ enum: PLACEMENT_GROUPINGS }) by!: PlacementGrouping;
  @ApiProperty({
    type: [PlacementRow],
    description:
      'by=program: numerator = placed graduates of the program, denominator = its graduates (placement rate per program). ' +
      'Otherwise: numerator = graduates in the group, denominator = all graduates of the cohort (share).',
  })
  rows!: PlacementRow[];
  @ApiProperty({ description: 'Placement rate of the cohort: placed / graduates' }) totals!: RateView;
  @ApiProperty() localEmployed!: number;
}

export class InternshipKindRow {
  @ApiProperty({ enum: INTERNSHIP_KINDS }) kind!: string;
  @ApiProperty({ description: 'Internships of this kind starting in the year' }) internships!: number;
  @ApiProperty({ description: 'Of those, in a local region' }) local!: number;
  @ApiProperty({ description: 'Of those, completed' }) completed!: number;
  @ApiProperty({ description: 'Distinct students with one' }) students!: number;
}

export class InternshipReportView extends YearReportHeaderView {
  @ApiProperty({ description: 'Distinct students with an internship starting in the year, up to date' }) students!: number;
  @ApiProperty({ description: 'Of those, with at least one such internship in a local region' }) localStudents!: number;
  @ApiProperty({ description: 'localStudents / students' }) localShare!: RateView;
  @ApiProperty() internships!: number;
  @ApiProperty() completed!: number;
  @ApiProperty({ type: [InternshipKindRow] }) byKind!: InternshipKindRow[];
}

export class DestinationWithoutGraduationItem {
  @ApiPropertyOptional({ description: 'With several institutions: whose student (student numbers are per institution)' })
  institution?: string;
  @ApiProperty() studentId!: string;
  @ApiProperty({ description: 'graduationYear given with the destination' }) graduationYear!: number;
  @ApiProperty() programCode!: string;
  @ApiProperty({ enum: DESTINATION_CATEGORIES }) category!: string;
  @ApiProperty() effectiveDate!: string;
}

export class GraduationWithoutDestinationItem {
  @ApiPropertyOptional({ description: 'With several institutions: whose student (student numbers are per institution)' })
  institution?: string;
  @ApiProperty() studentId!: string;
  @ApiProperty() graduationYear!: number;
  @ApiProperty() programCode!: string;
}

export class UnknownInternItem {
  @ApiPropertyOptional({ description: 'With several institutions: whose student (student numbers are per institution)' })
  institution?: string;
  @ApiProperty() studentId!: string;
  @ApiProperty({ type: [String] }) internshipIds!: string[];
}

export class DestinationsWithoutGraduationView {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [DestinationWithoutGraduationItem] }) items!: DestinationWithoutGraduationItem[];
}
export class GraduationsWithoutDestinationView {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [GraduationWithoutDestinationItem] }) items!: GraduationWithoutDestinationItem[];
}
export class UnknownInternsView {
  @ApiProperty({ description: 'Students with internships and no enrollment record' }) count!: number;
  @ApiProperty({ description: 'Their internships' }) internships!: number;
  @ApiProperty({ type: [UnknownInternItem] }) items!: UnknownInternItem[];
}

export class DataQualityView extends ReportHeaderView {
  @ApiProperty({ nullable: true, type: Number }) year!: number | null;
  @ApiProperty({ description: 'Students with a destination and no graduation record' })
  destinationsWithoutGraduation!: DestinationsWithoutGraduationView;
  @ApiProperty({ description: 'Graduates with no destination recorded' })
  graduationsWithoutDestination!: GraduationsWithoutDestinationView;
  @ApiProperty({ description: 'Internships of students with no enrollment record' })
  internshipsOfUnknownStudents!: UnknownInternsView;
}
