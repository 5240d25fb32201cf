import { ReportHeaderView, YearReportHeaderView } from './report-header.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { MAX_NAMED_INSTITUTIONS, MAX_YEAR, MIN_YEAR, parseInstitutionList } from '@chanjiao/contracts';
import { IsCalendarDate, QueryInteger } from '@chanjiao/edge';
import { AlliancesFigures } from './alliance-report.dto';

export class ReportQuery {
  @ApiPropertyOptional({
    description:
      "Institution code (default: the key's own; as X-Institution). A key bound to several institutions (a bureau's, or an " +
      'admin key of `*`) may name several, comma-separated (`A,B`; at most ' +
      `${MAX_NAMED_INSTITUTIONS}), or \`all\` (every institution of the key; with \`*\`, every institution reporting has events of), ` +
      'and gets their sum: every count is the sum of each institution’s (a distinct count, e.g. distinct enterprises or ' +
      'program categories, is counted per institution and summed; a largest figure, e.g. forumParticipants, is each ' +
      'institution’s largest, summed), rates are recomputed from the summed numerators and denominators, and `asOf` is the ' +
      'newest event of any of them. Naming an institution the key is not bound to is 403; a malformed list is 400.',
    example: 'BZVTC',
  })
  @IsOptional()
  @ValidateBy(
    {
      name: 'isInstitutionList',
      validator: { validate: (v: unknown) => typeof v === 'string' && !('invalid' in parseInstitutionList(v)) },
    },
    {
      message: (a) =>
        typeof a.value === 'string'
          ? ((parseInstitutionList(a.value) as { invalid?: string }).invalid ?? '')
          : 'institution 须为院校代码、逗号分隔的列表或 all / institution must be a code such as BZVTC, a list A,B, or all',
    },
  )
  institution?: string;
}

export class YearQuery extends ReportQuery {
  @ApiProperty({ example: 2022 })
  @QueryInteger()
  @IsInt({ message: 'year must be a year such as 2022' })
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year!: number;

  @ApiPropertyOptional({ description: 'Figures as of this date (default: today)', example: '2023-06-20' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}

export const ENROLLMENT_GROUPINGS = ['level', 'program', 'category', 'sector', 'pathway'] as const;
export type EnrollmentGrouping = (typeof ENROLLMENT_GROUPINGS)[number];

export class EnrollmentReportQuery extends YearQuery {
  @ApiPropertyOptional({ enum: ENROLLMENT_GROUPINGS, default: 'level' })
  @IsOptional()
  @IsIn(ENROLLMENT_GROUPINGS)
  by?: EnrollmentGrouping;
}

export class RateView {
  @ApiProperty() numerator!: number;
  @ApiProperty() denominator!: number;
  @ApiProperty({ description: 'numerator / denominator, 4 decimals' }) rate!: number;
}

export class ProgramsFigures {
  @ApiProperty() open!: number;
  @ApiProperty() higherVocational!: number;
  @ApiProperty() undergraduate!: number;
  @ApiProperty({ description: 'Distinct program categories (专业大类) of open programs' }) categories!: number;
  @ApiProperty({ description: 'Distinct program clusters (专业群) of open programs' }) clusters!: number;
  @ApiProperty({ description: 'Share of open programs mapped to a key sector' }) alignedShare!: number;
}

export class IntakeFigures {
  @ApiProperty({ description: 'Enrollments of the cohort year, except 2+3 through pathway, not cancelled on or before asOf' })
  total!: number;
  @ApiProperty() undergraduate!: number;
  @ApiProperty() higherVocational!: number;
  @ApiProperty() secondary!: number;
  @ApiProperty({ description: '2+3 through-pathway enrollments, counted apart' }) through23!: number;
}

export class GraduatesFigures {
  @ApiProperty() cohort!: number;
  @ApiProperty({ description: 'Graduations with graduationYear = year' }) total!: number;
  @ApiProperty({ description: 'Of those, graduates whose latest destination effective on or before asOf is not not_placed' })
  placed!: number;
  @ApiProperty({ description: 'total − placed (not_placed, or no destination effective yet)' }) notPlaced!: number;
  @ApiProperty({ description: 'Placement rate (毕业去向落实率): placed / total' }) placement!: RateView;
  @ApiProperty({ description: 'Placed graduates in contract, flexible or entrepreneurship whose region is local' })
  localEmployed!: number;
}

export class InternshipsFigures {
  @ApiProperty({
    description: 'Distinct students with an internship starting from 1 January of the year to asOf (to 31 December when asOf is later)',
  })
  students!: number;
  @ApiProperty({ description: 'Of those, students with at least one such internship in a local region' }) localStudents!: number;
}

export class OrderClassFigures {
  @ApiProperty({ description: 'Distinct programs with an order class of the cohort year' }) programs!: number;
  @ApiProperty({ description: 'Students in order classes of the cohort year' }) students!: number;
}

/** The `partnerships` section of the overview (DESIGN.md §5). */
export class PartnershipsFigures {
  @ApiProperty({ description: 'Distinct enterprise partners named on any school_enterprise agreement signed on or before asOf' })
  enterprises!: number;
  @ApiProperty({
    description: 'school_enterprise agreements signed from 1 January of the year to asOf (to 31 December when asOf is later)',
  })
  schoolEnterpriseSigned!: number;
  @ApiProperty({
    description: 'government_school agreements signed from 1 January of the year to asOf (to 31 December when asOf is later)',
  })
  governmentSchool!: number;
  @ApiProperty({ description: 'university agreements signed from 1 January of the year to asOf (to 31 December when asOf is later)' })
  university!: number;
  @ApiProperty({ description: '1+X pilots launched on or before asOf' }) certificatePilots!: number;
  @ApiProperty({ description: 'Distinct partners of those pilots' }) certificatePilotEnterprises!: number;
  @ApiProperty({ description: 'Industry colleges founded on or before asOf' }) industryColleges!: number;
  @ApiProperty({ description: 'Order classes with cohortYear = year' }) orderClasses!: OrderClassFigures;
}

/** The `trainingBases` section of the overview (DESIGN.md §5). */
export class TrainingBasesFigures {
  @ApiProperty({
    description: 'CNY invested from 1 January of the year to asOf (to 31 December when asOf is later), decimal string',
    example: '403000000.00',
  })
  investment!: string;
}

export class OverviewView extends YearReportHeaderView {
  @ApiProperty() programs!: ProgramsFigures;
  @ApiProperty() intake!: IntakeFigures;
  @ApiProperty() graduates!: GraduatesFigures;
  @ApiProperty() internships!: InternshipsFigures;
  @ApiProperty() alliances!: AlliancesFigures;
  @ApiProperty() partnerships!: PartnershipsFigures;
  @ApiProperty() trainingBases!: TrainingBasesFigures;
}

export class EnrollmentRow {
  @ApiProperty() key!: string;
  @ApiPropertyOptional({
    description: 'by=program with several institutions: whose program (a row per institution and program; codes are per institution)',
  })
  institution?: string;
  @ApiPropertyOptional() label?: string;
  @ApiProperty() intake!: number;
  @ApiProperty() through23!: number;
  @ApiProperty({ description: 'Withdrawals dated on or before asOf among the cohort' }) withdrawals!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Graduates of that year (not split by pathway: null)' }) graduates!:
    number | null;
}

export class EnrollmentReportView extends YearReportHeaderView {
  @ApiProperty({ enum: ENROLLMENT_GROUPINGS }) by!: EnrollmentGrouping;
  @ApiProperty({ type: [EnrollmentRow] }) rows!: EnrollmentRow[];
  @ApiProperty() totals!: EnrollmentRow;
}

export class FreshnessView extends ReportHeaderView {
  @ApiProperty({ nullable: true, type: String }) lastAppliedAt!: string | null;
  @ApiProperty() eventsApplied!: number;
  @ApiProperty({ description: 'Events received ahead of a predecessor, waiting for it' }) eventsParked!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Messages waiting in the consumer queue (all institutions); null if the broker is unreachable',
  })
  eventsQueued!: number | null;
}
