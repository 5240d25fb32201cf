import { ReportingErrorCode } from '../reporting.errors';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess, SumsInstitutions } from '@chanjiao/auth';
import { DomainError } from '@chanjiao/domain';
import { pageRequest } from '@chanjiao/edge';
import { CSV_BOM, csvLine, SheetCell } from '@chanjiao/imports';
import type { PageRequest } from '@chanjiao/persistence';
import { CounterRepository } from './counter.repository';
import { ExplainQuery, ExplainView } from './explain.dto';
import { FigureDefinition, figureDefinition, UnknownFieldError } from './explain.fields';
import { ExplainedRecord, ExplainService } from './explain.service';
import { CSV_TYPE, qualityReportFileScope } from './quality-report.files';
import { ReportReader } from './report-reader';
import { reportScope, scopeFields, today } from './report-scope';

/** Records per query while a CSV is written: the file is any size, what is held at once is a page. */
const CSV_PAGE = 1000;

@ApiTags('reports')
@ApiBearerAuth()
@RequireAccess('read')
@Controller('reports')
export class ExplainController {
  private readonly log = new Logger(ExplainController.name);

  constructor(
    private readonly explainer: ExplainService,
    private readonly reader: ReportReader,
    private readonly counters: CounterRepository,
  ) {}

  @Get('explain')
  @ApiOperation({
    summary: 'The records and events behind a figure of the overview or a breakdown, whose values sum to it',
    description:
      'Lists the read models (students, graduates, interns, programs, agreements, partners, training bases, alliances, ' +
      'memberships…) whose facts make the figure at year and asOf: what each adds (`value`: 1 for a count, the amount for ' +
      'money), the facts that count with their days (graduation year, destination effective date, signing date…), and the ' +
      'events applied to it. `figure` is summed from the counters as the report sums them, with the same definition ' +
      '(metric, dims, days) the listing selects by; `count` and `total` are over every page, and `total` = `figure`. ' +
      'Distinct counts (programs.categories, programs.clusters, partnerships.orderClasses.programs) list every record with ' +
      'its `key`, the first of each key adding 1; alliances.forumParticipants lists every forum with its `measured` count, ' +
      'the largest adding it; graduates.notPlaced and placement `unrecorded` are graduates minus those placed (or with a ' +
      'destination in force): those left add 1. Keyset pages by institution and id. format=csv: every record (in pages ' +
      'of 1,000 read in one snapshot), UTF-8 with a BOM, the figure, count and total first, as an attachment. ' +
      'Several institutions (a bureau key naming `A,B` or `all`): their records, and the figure their sum; distinct counts ' +
      'and the largest forum are per institution (the first record of each key in each institution adds 1), as the reports ' +
      'count them.',
  })
  @SumsInstitutions()
  @ApiProduces('application/json', CSV_TYPE)
  @ApiOkResponse({ type: ExplainView })
  @ApiBadRequestResponse({ description: 'unknown_field naming `field` (with the closest accepted fields), or another bad parameter' })
  async explain(
    @CurrentPrincipal() p: Principal,
    @Query() q: ExplainQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExplainView | PassThrough> {
    const scope = await reportScope(p, this.reader);
    const date = q.asOf ?? today();
    const def = definition(q.field, q.year);
    if (q.format === 'csv') {
      const file = qualityReportFileScope(scope.institutions, scope.all);
      void reply.header('content-type', CSV_TYPE).header('content-disposition', `attachment; filename="explain-${file}-${q.year}.csv"`);
      return this.csv(scope.institutions, def, q.year, date);
    }
    // Keyed by institution and id (ids such as `<allianceId>/<memberId>` are subjects).
    const page = pageRequest(q, ['text', 'subject']);
    const [explained, fresh] = await this.reader.snapshot(scope.institutions, (source) =>
      Promise.all([this.explainer.explain(source, def, q.year, date, page), this.counters.freshness(source)]),
    );
    return Object.assign(
      scopeFields(scope.institutions),
      {
        field: def.field,
        year: q.year,
        date,
        asOf: fresh.lastEventTime?.toISOString() ?? null,
        aggregate: def.aggregate.kind,
      },
      explained,
    );
  }

  /** Every record, page after page in one snapshot, written as the client takes it (a page held at a time). */
  private csv(institutions: readonly string[], def: FigureDefinition, year: number, date: string): PassThrough {
    const institution = institutions.join(',');
    const out = new PassThrough();
    const write = async (rows: SheetCell[][]) => {
      if (out.destroyed) throw new Error('the client went away');
      if (!out.write(rows.map(csvLine).join(''))) {
        await Promise.race([once(out, 'drain'), once(out, 'close')]);
      }
    };
    this.reader
      .snapshot(institutions, async (source) => {
        const figure = await this.explainer.figures(source, def, year, date);
        out.write(CSV_BOM);
        await write([
          ['字段 / Field', def.field],
          ['学校 / Institution', institution],
          ['年度 / Year', year],
          ['统计截止日期 / As of', date],
          ['数值 / Figure', figure.figure],
          ['记录数 / Count', figure.count],
          ['合计 / Total', figure.total],
          [],
          CSV_HEADING,
        ]);
        let page: PageRequest = { limit: CSV_PAGE, after: null };
        for (;;) {
          const { items } = await this.explainer.records(source, def, year, date, page);
          await write(items.map(csvRow));
          if (items.length < CSV_PAGE) return;
          const last = items.at(-1)!;
          page = { limit: CSV_PAGE, after: [last.institution, last.id] };
        }
      })
      .then(
        () => out.end(),
        (e: unknown) => {
          this.log.warn(`explain CSV of ${def.field} for ${institution} stopped: ${String(e)}`);
          out.destroy(e instanceof Error ? e : new Error(String(e)));
        },
      );
    return out;
  }
}

export const CSV_HEADING = [
  '学校 / institution',
  '类型 / kind',
  '编号 / id',
  '计入 / value',
  '键 / key',
  '自身值 / measured',
  '日期 / days',
  '事实 / facts',
  '事件 / eventIds',
  '事件类型 / eventTypes',
];

function csvRow(r: ExplainedRecord): SheetCell[] {
  return [
    r.institution,
    r.kind,
    r.id,
    r.value,
    r.key ?? null,
    r.measured ?? null,
    [...new Set(r.facts.map((f) => f.day ?? ''))].join(';'),
    JSON.stringify(r.facts),
    r.events.map((e) => e.id).join(';'),
    r.events.map((e) => e.type).join(';'),
  ];
}

function definition(field: string, year: number): FigureDefinition {
  try {
    return figureDefinition(field, year);
  } catch (e) {
    if (!(e instanceof UnknownFieldError)) throw e;
    throw new DomainError(
      'invalid',
      ReportingErrorCode.UnknownField,
      `field 不是可解释的数字：${field}；相近的有 / field is not a figure that can be explained: ${field}; close matches: ${e.closeMatches.join(', ')}`,
      'field',
    );
  }
}
