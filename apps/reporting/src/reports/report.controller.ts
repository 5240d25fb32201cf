import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess, SumsInstitutions } from '@chanjiao/auth';
import { ConsumerState } from '../events/consumer.state';
import { AllianceReportService } from './alliance-report.service';
import { CounterRepository } from './counter.repository';
import { ReportCache } from './report-cache';
import { ReportReader, ReportSource } from './report-reader';
import { EnrollmentReportService } from './enrollment-report.service';
import { PlacementReportService } from './placement-report.service';
import { PartnershipReportService } from './partnership-report.service';
import { readReport, reportScope, scopeFields, today } from './report-scope';
import { ReportStream } from './report-stream';
import { EnrollmentReportQuery, EnrollmentReportView, FreshnessView, OverviewView, ReportQuery, YearQuery } from './report.dto';

@ApiTags('reports')
@ApiBearerAuth()
@RequireAccess('read')
@Controller('reports')
export class ReportController {
  constructor(
    private readonly enrollment: EnrollmentReportService,
    private readonly placement: PlacementReportService,
    private readonly counters: CounterRepository,
    private readonly consumer: ConsumerState,
    private readonly cache: ReportCache,
    private readonly alliance: AllianceReportService,
    private readonly partnership: PartnershipReportService,
    private readonly reader: ReportReader,
    private readonly changes: ReportStream,
  ) {}

  @Get('overview')
  @ApiOperation({
    summary: 'The annual figures in one object (DESIGN.md §5)',
    description:
      'Several institutions (a bureau key naming `A,B` or `all`): every figure is the sum of theirs: programs.categories and ' +
      'clusters, partnerships.enterprises, certificatePilotEnterprises and orderClasses.programs are counted per institution ' +
      'and summed, alliances.forumParticipants is the sum of each one’s largest forum; graduates.placement and ' +
      'programs.alignedShare are recomputed from the summed terms.',
  })
  @ApiOkResponse({ type: OverviewView })
  @SumsInstitutions()
  async overview(@CurrentPrincipal() p: Principal, @Query() q: YearQuery): Promise<OverviewView> {
    const { institutions } = await reportScope(p, this.reader);
    const date = q.asOf ?? today();
    return this.cache.get(institutions, `overview|${q.year}|${date}`, (source) => this.computeOverview(source, q.year, date));
  }

  /** Run by the cache in one snapshot: the parallel sums below all see the same committed state. */
  private async computeOverview(source: ReportSource, year: number, date: string): Promise<OverviewView> {
    const [programs, intake, graduates, internships, fresh, alliances, partnerships, trainingBases] = await Promise.all([
      this.enrollment.programs(source),
      this.enrollment.intake(source, year, date),
      this.placement.graduates(source, year, date),
      this.placement.internships(source, year, date),
      this.counters.freshness(source),
      this.alliance.overview(source, year, date),
      this.partnership.overview(source, year, date),
      this.partnership.trainingBases(source, year, date),
    ]);
    return Object.assign(scopeFields(source.institutions), {
      year,
      date,
      asOf: fresh.lastEventTime?.toISOString() ?? null,
      programs,
      intake,
      graduates,
      internships,
      alliances,
      partnerships,
      trainingBases,
    });
  }

  @Get('enrollment')
  @ApiOperation({ summary: 'Intake, 2+3 intake, withdrawals and graduates of a year by level, program, category, sector or pathway' })
  @ApiOkResponse({ type: EnrollmentReportView })
  @SumsInstitutions()
  async enrollmentReport(@CurrentPrincipal() p: Principal, @Query() q: EnrollmentReportQuery): Promise<EnrollmentReportView> {
    const date = q.asOf ?? today();
    const by = q.by ?? 'level';
    const [about, { rows, totals }] = await readReport(this.reader, this.counters, p, (source) =>
      this.enrollment.grouped(source, q.year, date, by),
    );
    return Object.assign(about, { year: q.year, date, by, rows, totals });
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Server-sent events: `change` whenever events are applied for the institution, and once at the start',
    description:
      'Each `change` carries `{ institution, asOf, eventsApplied }`; a dashboard refetches its reports when `eventsApplied` grows. ' +
      'Changes applied by any reporting instance are sent, at most four a second (the latest wins); a comment every 15 s keeps ' +
      'proxies from closing the connection. A stream ends after 10 minutes and the client reconnects (its key is checked again); ' +
      'refetch on reconnecting. A default `asOf` (today) that moves at midnight is no change. A key may hold ' +
      'REPORT_STREAMS_PER_KEY streams (default 8) per reporting instance; one more is 429 `too_many_streams` with Retry-After. ' +
      'Several institutions (a bureau key naming `A,B` or `all`): a change of any of them is a change; `institution` joins their ' +
      'codes with commas, `institutions` lists them, `eventsApplied` is their sum and `asOf` the newest of theirs.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'text/event-stream: `event: change` with `data: { institution, asOf, eventsApplied }` as JSON',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example: 'event: change\ndata: {"institution":"10758","asOf":"2025-09-01","eventsApplied":42}\n\n',
      },
    },
  })
  @ApiTooManyRequestsResponse({ description: 'too_many_streams: the key has REPORT_STREAMS_PER_KEY streams open (Retry-After)' })
  @SumsInstitutions()
  async stream(@CurrentPrincipal() p: Principal, @Query() _q: ReportQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.changes.serve(reply, (await reportScope(p, this.reader)).institutions, p.keyId);
  }

  @Get('freshness')
  @ApiOperation({
    summary: 'Newest event applied, and events waiting (parked out of order, queued in the broker)',
    description: 'Several institutions (`A,B` or `all`): the newest of theirs, and events applied and parked summed.',
  })
  @ApiOkResponse({ type: FreshnessView })
  @SumsInstitutions()
  async freshness(@CurrentPrincipal() p: Principal, @Query() _q: ReportQuery): Promise<FreshnessView> {
    const { institutions } = await reportScope(p, this.reader);
    const [f, queued] = await Promise.all([
      this.reader.snapshot(institutions, (source) => this.counters.freshness(source)),
      this.consumer.queueDepth(),
    ]);
    return Object.assign(scopeFields(institutions), {
      asOf: f.lastEventTime?.toISOString() ?? null,
      lastAppliedAt: f.lastAppliedAt?.toISOString() ?? null,
      eventsApplied: f.eventsApplied,
      eventsParked: f.parked,
      eventsQueued: queued,
    });
  }
}
