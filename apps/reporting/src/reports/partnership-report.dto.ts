import { ReportHeaderView, YearReportHeaderView } from './report-header.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { INVESTMENT_SOURCES, type InvestmentSource } from '@chanjiao/contracts';
import { IsCalendarDate, Paged, QueryInteger } from '@chanjiao/edge';
import { OrderClassFigures, RateView, ReportQuery, YearQuery } from './report.dto';

export const PARTNERSHIP_GROUPINGS = ['kind', 'form', 'sector', 'year'] as const;
export type PartnershipGrouping = (typeof PARTNERSHIP_GROUPINGS)[number];

export class PartnershipReportQuery extends YearQuery {
  @ApiPropertyOptional({ enum: PARTNERSHIP_GROUPINGS, default: 'kind' })
  @IsOptional()
  @IsIn(PARTNERSHIP_GROUPINGS)
  by?: PartnershipGrouping;
}

/** Paged (`limit`, `cursor`): the agreements expiring in a window are as many as an institution signed. */
export class ExpiringQuery extends Paged(ReportQuery) {
  @ApiPropertyOptional({ description: 'Days ahead (default 90)', default: 90, example: 90 })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'within must be a number of days' })
  @Min(0)
  @Max(3660)
  within?: number;

  @ApiPropertyOptional({ description: 'Look from this date (default: today)', example: '2023-06-20' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}

export class AgreementGroupRow {
  @ApiProperty({ description: 'Agreement kind, form, partner sector or year' }) key!: string;
  @ApiProperty({ description: 'Agreements signed in the year (by=year: in that year), up to asOf' }) signed!: number;
  @ApiProperty({ description: 'Renewals dated in the year, up to asOf' }) renewed!: number;
  @ApiProperty({ description: 'Agreements active on asOf (by=year: at the end of that year)' }) active!: number;
  @ApiProperty({ description: 'Agreements expired on asOf (past expiresOn, not renewed)' }) expired!: number;
  @ApiProperty({ description: 'Agreements terminated on or before asOf' }) terminated!: number;
  @ApiProperty({
    description:
      'Distinct enterprise partners with an agreement of the group signed on or before asOf (by=sector: enterprises of that sector with any agreement; by=year: enterprises whose first agreement was that year; total: as the overview)',
  })
  enterprises!: number;
}

export class PilotResultsFigures {
  @ApiProperty() trained!: number;
  @ApiProperty() sat!: number;
  @ApiProperty() passed!: number;
  @ApiProperty({ type: RateView, description: 'passed / sat' }) passRate!: RateView;
}

export class CertificatePilotFigures {
  @ApiProperty({ description: 'Pilots launched on or before asOf' }) pilots!: number;
  @ApiProperty({ description: 'Their distinct partners' }) partners!: number;
  @ApiProperty({ description: 'Results reported for the year' }) results!: PilotResultsFigures;
}

export class InvestmentBySource {
  @ApiProperty({ enum: INVESTMENT_SOURCES }) source!: InvestmentSource;
  @ApiProperty({ example: '1000000.00' }) amount!: string;
}

export class InvestmentFigures {
  @ApiProperty({ example: '403000000.00', description: 'Invested from 1 January of the year to asOf (to 31 December when asOf is later)' })
  total!: string;
  @ApiProperty({ type: [InvestmentBySource] }) bySource!: InvestmentBySource[];
}

export class PartnershipReportView extends YearReportHeaderView {
  @ApiProperty({ enum: PARTNERSHIP_GROUPINGS }) by!: PartnershipGrouping;
  @ApiProperty({
    type: [AgreementGroupRow],
    description: 'Agreements per group; an agreement with several forms or partner sectors counts in each',
  })
  rows!: AgreementGroupRow[];
  @ApiProperty() totals!: AgreementGroupRow;
  @ApiProperty() orderClasses!: OrderClassFigures;
  @ApiProperty() certificatePilots!: CertificatePilotFigures;
  @ApiProperty({ description: 'Industry colleges founded on or before asOf' }) industryColleges!: number;
  @ApiProperty() investment!: InvestmentFigures;
}

export class ExpiringAgreementRow {
  @ApiPropertyOptional({ description: 'With several institutions: whose agreement (ids are per institution)' })
  institution?: string;
  @ApiProperty() agreementId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ type: [String] }) forms!: string[];
  @ApiProperty({ type: [String] }) partnerIds!: string[];
  @ApiProperty({ type: [String], description: 'Partner names, in the order of partnerIds (null if unknown)' }) partnerNames!: Array<
    string | null
  >;
  @ApiProperty() signedOn!: string;
  @ApiProperty({ description: 'Last day the agreement holds' }) expiresOn!: string;
  @ApiProperty({ description: 'Days from the date asked to expiresOn' }) daysLeft!: number;
}

export class ExpiringReportView extends ReportHeaderView {
  @ApiProperty() date!: string;
  @ApiProperty() within!: number;
  @ApiProperty({
    type: [ExpiringAgreementRow],
    description: 'Active agreements expiring from date to date + within, soonest first (then by id); a page of them (limit, default 100)',
  })
  agreements!: ExpiringAgreementRow[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}
