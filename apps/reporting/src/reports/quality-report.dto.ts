import { YearReportHeaderView } from './report-header.dto';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RateView, YearQuery } from './report.dto';

export const QUALITY_REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type QualityReportFormat = (typeof QUALITY_REPORT_FORMATS)[number];

export class QualityReportQuery extends YearQuery {
  @ApiPropertyOptional({
    enum: QUALITY_REPORT_FORMATS,
    default: 'json',
    description: 'json; csv (UTF-8 with a BOM, a section per table); xlsx (a sheet per table)',
  })
  @IsOptional()
  @IsIn(QUALITY_REPORT_FORMATS, { message: 'format 须为 json、csv 或 xlsx / format must be json, csv or xlsx' })
  format?: QualityReportFormat;
}

/** A rate, a count, or CNY as a decimal string. */
export type QualityValue = number | string | RateView;

@ApiExtraModels(RateView)
export class QualityItemView {
  @ApiProperty({ description: 'The item as the report names it', example: '毕业生人数' }) item!: string;
  @ApiProperty({ example: 'Graduates' }) itemEn!: string;
  @ApiProperty({
    description: 'A count; CNY as a decimal string ("403000000.00"); a rate as { numerator, denominator, rate }',
    oneOf: [{ type: 'integer' }, { type: 'string' }, { $ref: getSchemaPath(RateView) }],
  })
  value!: QualityValue;
}

export class QualityTableView {
  @ApiProperty({ example: '服务贡献表' }) table!: string;
  @ApiProperty({ example: 'Service contribution' }) tableEn!: string;
  @ApiProperty({ type: [QualityItemView] }) items!: QualityItemView[];
}

export class QualityReportView extends YearReportHeaderView {
  @ApiProperty({
    type: [QualityTableView],
    description:
      '服务贡献表 / Service contribution, 计分卡 / Score card, 教学资源与落实政策表 / Teaching resources and policy, 产教融合 / Industry–education integration',
  })
  tables!: QualityTableView[];
}
