import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess, SumsInstitutions } from '@chanjiao/auth';
import { XLSX_TYPE } from '@chanjiao/imports';
import { QualityReportQuery, QualityReportView } from './quality-report.dto';
import { CSV_TYPE, qualityReportCsv, qualityReportDisposition, qualityReportFileScope, qualityReportXlsx } from './quality-report.files';
import { QualityReportService } from './quality-report.service';
import { ReportReader } from './report-reader';
import { reportScope, today } from './report-scope';

@ApiTags('reports')
@ApiBearerAuth()
@RequireAccess('read')
@Controller('reports')
export class QualityReportController {
  constructor(
    private readonly quality: QualityReportService,
    private readonly reader: ReportReader,
  ) {}

  @Get('quality-report')
  @ApiOperation({
    summary: 'The tables of the annual quality report (质量年报) the system holds, as JSON, CSV or XLSX',
    description:
      'Tables in the report’s order, each item named as the report names it with an English name beside: ' +
      '服务贡献表 / Service contribution (毕业生人数 = graduates.total, 其中：就业人数 = graduates.placed: every destination but ' +
      'not_placed, as 就业率 counted it, A 类：留在当地就业人数 = graduates.localEmployed); 计分卡 / Score card (毕业去向落实率 = placed / ' +
      'graduates, 自主创业比例 = graduates whose destination in force on asOf is entrepreneurship / graduates, each { numerator, ' +
      'denominator, rate }); 教学资源与落实政策表 / Teaching resources and policy (training-base investment of the year, by source, ' +
      'CNY as decimal strings); 产教融合 / Industry–education integration (the overview’s partnerships, alliances and internships). ' +
      'Every figure is the overview’s for the same year and asOf (DESIGN.md §5). Items the system does not hold are left out, not ' +
      'given as zeros: 全日制在校生人数 (the system counts intake per cohort, not students enrolled on a date), 就业去向 B 类 ' +
      '(到西部地区和东北地区就业: the placement counters count graduates by region without their destination category, so employment ' +
      'there cannot be told from further study or not_placed), C 类 and D 类 (enterprise size and rank are not recorded), ' +
      'research, technical-service and training funds, 月收入, 专业相关度, satisfaction, staffing and equipment. ' +
      'Both files begin with a cover (封面: 学校 / Institution, 年度 / Year, 统计截止日期 / Figures as of, 数据更新至 / Newest event ' +
      'applied). format=csv: UTF-8 with a BOM, a section per table (a row naming it, a heading row, its items), rates as fractions. ' +
      'format=xlsx: a sheet per table named in Chinese, heading row frozen, numbers as numbers, rates as percentages. ' +
      'Text a spreadsheet would run as a formula is written behind an apostrophe. Files come as attachments named ' +
      'quality-report-<institution>-<year>.<csv|xlsx> (filename* 质量年报-<institution>-<year>). ' +
      'Several institutions (a bureau key naming `A,B` or `all`): every figure is the sum of theirs, rates recomputed from the ' +
      'summed terms (distinct enterprises and pilot partners are counted per institution and summed); the cover names them all, ' +
      'and the filename has their codes joined with `_` (quality-report-A_B-2022.csv), or `all` when `all` was asked for.',
  })
  @SumsInstitutions()
  @ApiProduces('application/json', CSV_TYPE, XLSX_TYPE)
  @ApiOkResponse({ type: QualityReportView })
  async report(
    @CurrentPrincipal() p: Principal,
    @Query() q: QualityReportQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<QualityReportView | string | Buffer> {
    const scope = await reportScope(p, this.reader);
    const view = await this.quality.report(scope.institutions, q.year, q.asOf ?? today());
    const format = q.format ?? 'json';
    const file = qualityReportFileScope(scope.institutions, scope.all);
    switch (format) {
      case 'json':
        return view;
      case 'csv':
        void reply.header('content-type', CSV_TYPE).header('content-disposition', qualityReportDisposition(file, q.year, 'csv'));
        return qualityReportCsv(view);
      case 'xlsx':
        void reply.header('content-type', XLSX_TYPE).header('content-disposition', qualityReportDisposition(file, q.year, 'xlsx'));
        return qualityReportXlsx(view);
      default: {
        const never: never = format;
        throw new Error(`unknown format ${String(never)}`);
      }
    }
  }
}
