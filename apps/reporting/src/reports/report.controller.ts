import { Controller, Get, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { ConsumerState } from '../events/consumer.state';
import { AllianceReportService } from './alliance-report.service';
import { CounterRepository } from './counter.repository';
import { ReportCache } from './report-cache';
import { ReportReader, ReportSource } from './report-reader';
import { EnrollmentReportService } from './enrollment-report.service';
import { PlacementReportService } from './placement-report.service';
import { PartnershipReportService } from './partnership-report.service';
import { reportInstitution, today } from './report-scope';
import { ReportChange, ReportStream } from './report-stream';
import { EnrollmentReportQuery, EnrollmentReportView, FreshnessView, OverviewView, ReportQuery, YearQuery } from './report.dto';

/** The shortest time between two `change` events of one stream. */
const STREAM_MIN_GAP_MS = 250;

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
  @ApiOperation({ summary: 'The annual figures in one object (DESIGN.md §5)' })
  @ApiOkResponse({ type: OverviewView })
  async overview(@CurrentPrincipal() p: Principal, @Query() q: YearQuery): Promise<OverviewView> {
    const institution = reportInstitution(p, q.institution);
    const date = q.asOf ?? today();
    return this.cache.get(institution, `overview|${q.year}|${date}`, (source) => this.computeOverview(source, q.year, date));
  }

  /** Run by the cache in one snapshot: the parallel sums below all see the same committed state. */
  private async computeOverview(source: ReportSource, year: number, date: string): Promise<OverviewView> {
    const [programs, intake, graduates, internships, fresh, alliances, partnerships, trainingBases] = await Promise.all([
      this.enrollment.programs(source),
      this.enrollment.intake(source, year, date),
      this.placement.graduates(source, year, date),
      this.placement.internships(source, year),
      this.counters.freshness(source),
      this.alliance.overview(source, year, date),
      this.partnership.overview(source, year, date),
      this.partnership.trainingBases(source, year, date),
    ]);
    return {
      institution: source.institution,
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
    };
  }

  @Get('enrollment')
  @ApiOperation({ summary: 'Intake, 2+3 intake, withdrawals and graduates of a year by level, program, category, sector or pathway' })
  @ApiOkResponse({ type: EnrollmentReportView })
  async enrollmentReport(@CurrentPrincipal() p: Principal, @Query() q: EnrollmentReportQuery): Promise<EnrollmentReportView> {
    const institution = reportInstitution(p, q.institution);
    const date = q.asOf ?? today();
    const by = q.by ?? 'level';
    const [{ rows, totals }, fresh] = await this.reader.snapshot(institution, (source) =>
      Promise.all([this.enrollment.grouped(source, q.year, date, by), this.counters.freshness(source)]),
    );
    return { institution, year: q.year, date, asOf: fresh.lastEventTime?.toISOString() ?? null, by, rows, totals };
  }

  @Get('stream')
  @ApiOperation({
    summary: "Server-sent events: `change` whenever the institution's figures change, and once at the start",
    description:
      'Each `change` carries `{ institution, asOf, eventsApplied }`; a dashboard refetches its reports when `eventsApplied` grows. ' +
      'At most four changes a second (the latest wins); a comment every 15 s keeps proxies from closing the connection. ' +
      'Changes applied by any reporting instance are sent. On reconnecting, refetch: changes missed meanwhile are not replayed.',
  })
  @ApiProduces('text/event-stream')
  async stream(@CurrentPrincipal() p: Principal, @Query() q: ReportQuery, @Res() reply: FastifyReply): Promise<void> {
    const institution = reportInstitution(p, q.institution);
    const res = reply.raw;
    let lastSent = -1;
    let lastWrite = 0;
    let pending: ReportChange | undefined;
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (!pending) return;
      lastSent = pending.eventsApplied;
      lastWrite = Date.now();
      res.write(`event: change\ndata: ${JSON.stringify(pending)}\n\n`);
      pending = undefined;
    };
    // A change older than what was sent is dropped; a burst of commits becomes one event per STREAM_MIN_GAP_MS.
    const push = (change: ReportChange) => {
      if (change.eventsApplied <= lastSent || (pending && change.eventsApplied <= pending.eventsApplied)) return;
      pending = change;
      timer ??= setTimeout(flush, Math.max(0, lastWrite + STREAM_MIN_GAP_MS - Date.now()));
    };
    // Subscribed before the current state is read: a change committed in between is not missed.
    const unsubscribe = await this.changes.subscribe(institution, push).catch((e: Error) => {
      throw new ServiceUnavailableException({ error: 'stream_unavailable', message: `cannot follow changes now: ${e.message}` });
    });
    let current;
    try {
      current = await this.reader.snapshot(institution, (source) => this.counters.freshness(source));
    } catch (e) {
      unsubscribe();
      throw e;
    }
    reply.hijack();
    res.writeHead(
      200,
      Object.assign({}, reply.getHeaders() as Record<string, string>, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      }),
    );
    push({ institution, asOf: current.lastEventTime?.toISOString() ?? null, eventsApplied: current.eventsApplied });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    const stopOnShutdown = this.changes.onShutdown(() => res.end());
    res.once('close', () => {
      unsubscribe();
      stopOnShutdown();
      clearInterval(heartbeat);
      clearTimeout(timer);
    });
  }

  @Get('freshness')
  @ApiOperation({ summary: 'Newest event applied, and events waiting (parked out of order, queued in the broker)' })
  @ApiOkResponse({ type: FreshnessView })
  async freshness(@CurrentPrincipal() p: Principal, @Query() q: ReportQuery): Promise<FreshnessView> {
    const institution = reportInstitution(p, q.institution);
    const [f, queued] = await Promise.all([
      this.reader.snapshot(institution, (source) => this.counters.freshness(source)),
      this.consumer.queueDepth(),
    ]);
    return {
      institution,
      asOf: f.lastEventTime?.toISOString() ?? null,
      lastAppliedAt: f.lastAppliedAt?.toISOString() ?? null,
      eventsApplied: f.eventsApplied,
      eventsParked: f.parked,
      eventsQueued: queued,
    };
  }
}
