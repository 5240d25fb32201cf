import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { pageRequest } from '@chanjiao/edge';
import { ReportReader } from './report-reader';
import { CounterRepository } from './counter.repository';
import { ExpiringQuery, ExpiringReportView, PartnershipReportQuery, PartnershipReportView } from './partnership-report.dto';
import { PartnershipReportService } from './partnership-report.service';
import { reportInstitution, today } from './report-scope';

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
  async report(@CurrentPrincipal() p: Principal, @Query() q: PartnershipReportQuery): Promise<PartnershipReportView> {
    const institution = reportInstitution(p, q.institution);
    const [report, fresh] = await this.reader.snapshot(institution, (source) =>
      Promise.all([this.partnerships.report(source, q.year, q.asOf ?? today(), q.by ?? 'kind'), this.counters.freshness(source)]),
    );
    return Object.assign({}, report, { asOf: fresh.lastEventTime?.toISOString() ?? null });
  }

  @Get('expiring')
  @ApiOperation({
    summary: 'Active agreements that expire within the next `within` days (default 90), for the office to renew; paged (limit, cursor)',
  })
  @ApiOkResponse({ type: ExpiringReportView })
  async expiring(@CurrentPrincipal() p: Principal, @Query() q: ExpiringQuery): Promise<ExpiringReportView> {
    const institution = reportInstitution(p, q.institution);
    const date = q.asOf ?? today();
    const within = q.within ?? 90;
    const page = pageRequest(q, ['date', 'text']);
    const [{ items, nextCursor }, fresh] = await this.reader.snapshot(institution, (source) =>
      Promise.all([this.partnerships.expiring(source, date, within, page), this.counters.freshness(source)]),
    );
    return { institution, date, within, asOf: fresh.lastEventTime?.toISOString() ?? null, agreements: items, nextCursor };
  }
}
