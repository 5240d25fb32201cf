import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireAccess, SumsInstitutions } from '@chanjiao/auth';
import { ReportReader } from './report-reader';
import { CounterRepository } from './counter.repository';
import {
  DataQualityQuery,
  DataQualityView,
  InternshipReportQuery,
  InternshipReportView,
  PlacementReportQuery,
  PlacementReportView,
} from './placement-report.dto';
import { PlacementReportService } from './placement-report.service';
import { readReport, today } from './report-scope';

@ApiTags('reports')
@ApiBearerAuth()
@RequireAccess('read')
@Controller('reports')
export class PlacementReportController {
  constructor(
    private readonly placement: PlacementReportService,
    private readonly counters: CounterRepository,
    private readonly reader: ReportReader,
  ) {}

  @Get('placement')
  @ApiOperation({
    summary: 'Placement (毕业去向落实率) of a graduation cohort as of a date, by destination category, detail, program, sector or region',
  })
  @ApiOkResponse({ type: PlacementReportView })
  @SumsInstitutions()
  async placementReport(@CurrentPrincipal() p: Principal, @Query() q: PlacementReportQuery): Promise<PlacementReportView> {
    const date = q.asOf ?? today();
    const by = q.by ?? 'category';
    const [about, { rows, totals }] = await readReport(this.reader, this.counters, p, (source) =>
      this.placement.placement(source, q.cohort, date, by),
    );
    return Object.assign(about, { cohort: q.cohort, date, by, rows, totals: totals.placement, localEmployed: totals.localEmployed });
  }

  @Get('internships')
  @ApiOperation({ summary: 'Internships starting in a year (from 1 January to asOf): students, local students, by kind' })
  @ApiOkResponse({ type: InternshipReportView })
  @SumsInstitutions()
  async internshipReport(@CurrentPrincipal() p: Principal, @Query() q: InternshipReportQuery): Promise<InternshipReportView> {
    const date = q.asOf ?? today();
    const [about, figures] = await readReport(this.reader, this.counters, p, (source) =>
      this.placement.internshipReport(source, q.year, date),
    );
    return Object.assign(about, { year: q.year, date }, figures);
  }

  @Get('data-quality')
  @ApiOperation({
    summary:
      'Destinations for students with no graduation record, graduations with no destination, internships of students with no enrollment',
  })
  @ApiOkResponse({ type: DataQualityView })
  @SumsInstitutions()
  async dataQuality(@CurrentPrincipal() p: Principal, @Query() q: DataQualityQuery): Promise<DataQualityView> {
    const [about, findings] = await readReport(this.reader, this.counters, p, (source) =>
      this.placement.dataQuality(source, q.year ?? null, q.limit ?? 100),
    );
    return Object.assign(about, { year: q.year ?? null }, findings);
  }
}
