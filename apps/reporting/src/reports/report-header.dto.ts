import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INSTITUTION_FIELD_DESCRIPTION, INSTITUTIONS_FIELD_DESCRIPTION } from './report-scope';

/** How every report's answer begins: whose figures (see `scopeFields`), and how fresh they are. */
export class ReportHeaderView {
  @ApiProperty({ description: INSTITUTION_FIELD_DESCRIPTION }) institution!: string;
  @ApiPropertyOptional({ type: [String], description: INSTITUTIONS_FIELD_DESCRIPTION }) institutions?: string[];
  @ApiProperty({ nullable: true, type: String, description: 'Time of the newest event applied' }) asOf!: string | null;
}

/** A report of a year (`year`) as of a date (`date`, the request's `asOf`, default today). */
export class YearReportHeaderView extends ReportHeaderView {
  @ApiProperty() year!: number;
  @ApiProperty({ description: 'The date the figures are computed at' }) date!: string;
}
