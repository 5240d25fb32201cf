import { YearReportHeaderView } from './report-header.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Paged } from '@chanjiao/edge';
import { FIELD_PATTERNS } from './explain.fields';
import { YearQuery } from './report.dto';

export const EXPLAIN_FORMATS = ['json', 'csv'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

export const FIELD_DESCRIPTION =
  'The figure to explain. Overview fields by their path in GET /reports/overview (rates by their terms: ' +
  '`graduates.placement.numerator`); rows of the breakdowns as `<report>.<by>=<key>.<column>` (the key as the report ' +
  'gives it, e.g. `placement.category=contract.numerator`, `enrollment.program=460103.intake`, ' +
  '`partnerships.year=2021.signed`, `alliances.alliance=A1.members`; placement keys `none` and `unrecorded`, enrollment ' +
  'key `unknown` as the reports give them), and `<report>.total.<column>`. For year Y and asOf as the report takes ' +
  'them (the placement report’s `cohort` is `year`). Accepted: ' +
  FIELD_PATTERNS.map((f) => `\`${f}\``).join(', ') +
  '. Another is 400 `unknown_field` naming `field`, with the closest accepted ones.';

export class ExplainQuery extends Paged(YearQuery) {
  @ApiProperty({ description: FIELD_DESCRIPTION, example: 'graduates.placed' })
  @IsString()
  @MaxLength(300)
  field!: string;

  @ApiPropertyOptional({ enum: EXPLAIN_FORMATS, default: 'json', description: 'csv: every record, UTF-8 with a BOM, as an attachment' })
  @IsOptional()
  @IsIn(EXPLAIN_FORMATS, { message: 'format 须为 json 或 csv / format must be json or csv' })
  format?: ExplainFormat;
}

export class ExplainedFactView {
  @ApiProperty() metric!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The fact’s dimensions (cohort, category, region, …)' })
  dims!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, description: 'The day it counts from (effective, signed, start date…); null: always' })
  day!: string | null;
  @ApiProperty({ description: '+1 / −1 for counts (−1: taken back on that day, e.g. a correction), cents for money' })
  value!: number;
}

export class ExplainedEventView {
  @ApiProperty() id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() sequence!: number;
  @ApiProperty() time!: string;
}

export class ExplainedRecordView {
  @ApiProperty() institution!: string;
  @ApiProperty({ description: 'Read-model kind: student, graduate, intern, program, agreement, partner, training_base, alliance…' })
  kind!: string;
  @ApiProperty({ description: 'Its id (student number, agreement id, <allianceId>/<memberId>…)' }) id!: string;
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    description:
      'What the record adds to the figure (1 for a count; CNY as a decimal string for money); the values of all pages sum to `figure`',
  })
  value!: number | string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Distinct counts: the value this record has (the first record of each value in its institution, by id, adds 1)',
  })
  key?: string | null;
  @ApiPropertyOptional({ description: 'Maxima (forumParticipants): the record’s own value (the first record with the largest adds it)' })
  measured?: number;
  @ApiProperty({ type: [ExplainedFactView], description: 'The facts the figure selects, by day (at most 20)' }) facts!: ExplainedFactView[];
  @ApiProperty({
    type: [ExplainedEventView],
    description: 'The events applied to the record (its own subject and those its state names), oldest first (at most 20)',
  })
  events!: ExplainedEventView[];
}

export class ExplainView extends YearReportHeaderView {
  @ApiProperty() field!: string;
  @ApiProperty({ enum: ['sum', 'distinct', 'max'], description: 'How the records make the figure; their `value`s always sum to it' })
  aggregate!: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }], description: 'The figure as the report gives it' })
  figure!: number | string;
  @ApiProperty({ description: 'Records listed over all pages' }) count!: number;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }], description: 'Sum of the values over all pages: equals `figure`' })
  total!: number | string;
  @ApiProperty({ type: [ExplainedRecordView] }) items!: ExplainedRecordView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}
