import { YearReportHeaderView } from './report-header.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { KEY_SECTORS, SECTORS, type Sector } from '@chanjiao/contracts';
import { QueryInteger } from '@chanjiao/edge';
import { RateView, YearQuery } from './report.dto';

/** Programs listed per row by default, and at most (the counts are always complete). */
export const ALIGNMENT_PROGRAM_LIMIT = { default: 50, max: 500 } as const;

/**
 * The rows of the alignment report, in this order: each key sector (DESIGN.md §3), `multiple` (programs mapped to two or
 * more key sectors), `other` (programs mapped to no key sector, or unknown to reporting).
 */
export const ALIGNMENT_ROWS = [...KEY_SECTORS, 'multiple', 'other'] as const;
export type AlignmentRowKey = (typeof ALIGNMENT_ROWS)[number];

export class AlignmentReportQuery extends YearQuery {
  @ApiPropertyOptional({
    description: 'Programs listed per row (the count is always complete; `programsNotListed` says how many are left out)',
    default: ALIGNMENT_PROGRAM_LIMIT.default,
    maximum: ALIGNMENT_PROGRAM_LIMIT.max,
  })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'programLimit must be a whole number from 0 to 500' })
  @Min(0)
  @Max(ALIGNMENT_PROGRAM_LIMIT.max)
  programLimit?: number;
}

export class AlignmentProgramView {
  @ApiProperty({ example: '470201' }) code!: string;
  @ApiPropertyOptional({ description: 'With several institutions: whose program (a code is a program of one institution)' })
  institution?: string;
  @ApiProperty({ example: '应用化工技术' }) name!: string;
  @ApiProperty({ enum: SECTORS, isArray: true, description: 'The sectors the program is mapped to' }) sectors!: Sector[];
}

/** The figures of a row, and of the totals (each the overview's figure for the same year and asOf). */
export class AlignmentFigures {
  @ApiProperty({ description: 'Open programs (overview programs.open)' }) programs!: number;
  @ApiProperty({
    description:
      'Enrollments of the cohort year, except the 2+3 through pathway, not cancelled on or before asOf, by the program enrolled in (overview intake.total)',
  })
  intake!: number;
  @ApiProperty({ description: 'Graduations with graduationYear = year, by the program graduated from (overview graduates.total)' })
  graduates!: number;
  @ApiProperty({ description: 'Of those, placed by the destination in force on asOf (overview graduates.placed)' }) placed!: number;
  @ApiProperty({ description: 'Of those, employed: contract, flexible or entrepreneurship' }) employed!: number;
  @ApiProperty({ description: 'Of the employed, in a local region (overview graduates.localEmployed)' }) localEmployed!: number;
  @ApiProperty({
    description:
      "Employed graduates whose destination states a sector: `denominator` how many state one, `numerator` of those, how many in a sector of their program's own (the program's sectors as mapped now); destinations stating no sector count in neither",
  })
  employedInOwnSector!: RateView;
  @ApiProperty({
    description:
      "Distinct enterprise partners named on a school_enterprise agreement signed on or before asOf, by the partner's own sector (overview partnerships.enterprises)",
  })
  partnerEnterprises!: number;
  @ApiProperty({
    description: 'Students in order classes of the cohort year, by the order class’s program (overview partnerships.orderClasses.students)',
  })
  orderClassStudents!: number;
  @ApiProperty({
    description:
      'Alliances founded on or before asOf, by the sector the alliance names (overview alliances.total); an alliance naming no sector, or `other`, counts in `other`',
  })
  alliances!: number;
}

export class AlignmentRow extends AlignmentFigures {
  @ApiProperty({
    enum: ALIGNMENT_ROWS,
    description:
      'A key sector; `multiple`: programs mapped to two or more key sectors (and their students); `other`: programs mapped to no key sector or unknown to reporting, partners and alliances of sector `other` or none',
  })
  key!: AlignmentRowKey;
  @ApiProperty({ description: 'Chinese name', example: '化工材料' }) label!: string;
  @ApiProperty({ description: 'English name', example: 'Chemical materials' }) labelEn!: string;
  @ApiProperty({ type: [AlignmentProgramView], description: 'The open programs of the row, by code, at most `programLimit`' })
  programList!: AlignmentProgramView[];
  @ApiProperty({ description: 'Open programs of the row left out of programList' }) programsNotListed!: number;
}

export class AlignmentTotals extends AlignmentFigures {
  @ApiProperty({ enum: ['total'] }) key!: 'total';
  @ApiProperty({ example: '合计' }) label!: string;
  @ApiProperty({ example: 'Total' }) labelEn!: string;
}

export class AlignmentReportView extends YearReportHeaderView {
  @ApiProperty({
    type: [AlignmentRow],
    description: 'One row per key sector, then `multiple` and `other`: every row is there, with zeros if need be',
  })
  rows!: AlignmentRow[];
  @ApiProperty({ description: "The rows' sums: each the overview's figure for the same year and asOf" }) totals!: AlignmentTotals;
}
