import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
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
import { reportInstitution, today } from './report-scope';

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
  async placementReport(@CurrentPrincipal() p: Principal, @Query() q: PlacementReportQuery): Promise<PlacementReportView> {
    const institution = reportInstitution(p, q.institution);
    const date = q.asOf ?? today();
    const by = q.by ?? 'category';
    const [{ rows, totals }, fresh] = await this.reader.snapshot(institution, (source) =>
      Promise.all([this.placement.placement(source, q.cohort, date, by), this.counters.freshness(source)]),
    );
    return {
      institution,
      cohort: q.cohort,
      date,
      asOf: fresh.lastEventTime?.toISOString() ?? null,
      by,
      rows,
      totals: totals.placement,
      localEmployed: totals.localEmployed,
    };
  }

  @Get('internships')
  @ApiOperation({ summary: 'Internships starting in a year (from 1 January to asOf): students, local students, by kind' })
  @ApiOkResponse({ type: InternshipReportView })
  async internshipReport(@CurrentPrincipal() p: Principal, @Query() q: InternshipReportQuery): Promise<InternshipReportView> {
    const institution = reportInstitution(p, q.institution);
    const date = q.asOf ?? today();
    const [figures, fresh] = await this.reader.snapshot(institution, (source) =>
      Promise.all([this.placement.internshipReport(source, q.year, date), this.counters.freshness(source)]),
    );
    return Object.assign({ institution, year: q.year, date, asOf: fresh.lastEventTime?.toISOString() ?? null }, figures);
  }

  @Get('data-quality')
  @ApiOperation({
    summary:
      'Destinations for students with no graduation record, graduations with no destination, internships of students with no enrollment',
  })
  @ApiOkResponse({ type: DataQualityView })
  async dataQuality(@CurrentPrincipal() p: Principal, @Query() q: DataQualityQuery): Promise<DataQualityView> {
    const institution = reportInstitution(p, q.institution);
    const [findings, fresh] = await this.reader.snapshot(institution, (source) =>
      Promise.all([this.placement.dataQuality(source, q.year ?? null, q.limit ?? 100), this.counters.freshness(source)]),
    );
    return Object.assign({ institution, year: q.year ?? null, asOf: fresh.lastEventTime?.toISOString() ?? null }, findings);
  }
}
