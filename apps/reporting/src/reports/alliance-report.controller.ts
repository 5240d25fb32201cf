import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { AllianceReportView } from './alliance-report.dto';
import { AllianceReportService } from './alliance-report.service';
import { ReportReader } from './report-reader';
import { CounterRepository } from './counter.repository';
import { reportInstitution, today } from './report-scope';
import { YearQuery } from './report.dto';

@ApiTags('reports')
@ApiBearerAuth()
@RequireAccess('read')
@Controller('reports')
export class AllianceReportController {
  constructor(
    private readonly alliances: AllianceReportService,
    private readonly counters: CounterRepository,
    private readonly reader: ReportReader,
  ) {}

  @Get('alliances')
  @ApiOperation({
    summary:
      "Per alliance: this institution's role, members as of asOf by kind and role, joins and departures, contributions by kind (exact CNY sums) and activities by kind of the year",
  })
  @ApiOkResponse({ type: AllianceReportView })
  async report(@CurrentPrincipal() p: Principal, @Query() q: YearQuery): Promise<AllianceReportView> {
    const institution = reportInstitution(p, q.institution);
    const date = q.asOf ?? today();
    const [{ alliances, totals }, fresh] = await this.reader.snapshot(institution, (source) =>
      Promise.all([this.alliances.byAlliance(source, q.year, date), this.counters.freshness(source)]),
    );
    return { institution, year: q.year, date, asOf: fresh.lastEventTime?.toISOString() ?? null, alliances, totals };
  }
}
