import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireAccess, SumsInstitutions } from '@chanjiao/auth';
import { AllianceReportView } from './alliance-report.dto';
import { AllianceReportService } from './alliance-report.service';
import { ReportReader } from './report-reader';
import { CounterRepository } from './counter.repository';
import { readReport, today } from './report-scope';
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
    description:
      'Several institutions (a bureau key naming `A,B` or `all`): a row per institution and alliance (an alliance id is one ' +
      'institution’s; each row names its `institution`), and totals summed over them; distinct organisations and ' +
      'participants are counted per institution and summed.',
  })
  @ApiOkResponse({ type: AllianceReportView })
  @SumsInstitutions()
  async report(@CurrentPrincipal() p: Principal, @Query() q: YearQuery): Promise<AllianceReportView> {
    const date = q.asOf ?? today();
    const [about, { alliances, totals }] = await readReport(this.reader, this.counters, p, (source) =>
      this.alliances.byAlliance(source, q.year, date),
    );
    return Object.assign(about, { year: q.year, date, alliances, totals });
  }
}
