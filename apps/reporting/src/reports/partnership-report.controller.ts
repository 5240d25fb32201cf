import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireAccess, SumsInstitutions } from '@chanjiao/auth';
import { pageRequest } from '@chanjiao/edge';
import { ReportReader } from './report-reader';
import { CounterRepository } from './counter.repository';
import { ExpiringQuery, ExpiringReportView, PartnershipReportQuery, PartnershipReportView } from './partnership-report.dto';
import { PartnershipReportService } from './partnership-report.service';
import { readReport, reportScope, today } from './report-scope';

@ApiTags('reports')
@ApiBearerAuth()
@RequireAccess('read')
@Controller('reports/partnerships')
export class PartnershipReportController {
  constructor(
    private readonly partnerships: PartnershipReportService,
    private readonly counters: CounterRepository,
    private readonly reader: ReportReader,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Agreements signed, renewed, active, expired and terminated by kind, form, partner sector or year; distinct enterprises; order classes; 1+X pilots with pass rates; industry colleges; investment by source',
  })
  @ApiOkResponse({ type: PartnershipReportView })
  @SumsInstitutions()
  async report(@CurrentPrincipal() p: Principal, @Query() q: PartnershipReportQuery): Promise<PartnershipReportView> {
    const [about, report] = await readReport(this.reader, this.counters, p, (source) =>
      this.partnerships.report(source, q.year, q.asOf ?? today(), q.by ?? 'kind'),
    );
    return Object.assign(about, report);
  }

  @Get('expiring')
  @ApiOperation({
    summary: 'Active agreements that expire within the next `within` days (default 90), for the office to renew; paged (limit, cursor)',
  })
  @ApiOkResponse({ type: ExpiringReportView })
  @SumsInstitutions()
  async expiring(@CurrentPrincipal() p: Principal, @Query() q: ExpiringQuery): Promise<ExpiringReportView> {
    const date = q.asOf ?? today();
    const within = q.within ?? 90;
    // Several institutions' agreements are keyed by institution too: their ids are per institution.
    const scope = await reportScope(p, this.reader);
    const page = pageRequest(q, scope.institutions.length > 1 ? ['date', 'text', 'text'] : ['date', 'text']);
    const [about, { items, nextCursor }] = await readReport(this.reader, this.counters, scope, (source) =>
      this.partnerships.expiring(source, date, within, page),
    );
    return Object.assign(about, { date, within, agreements: items, nextCursor });
  }
}
