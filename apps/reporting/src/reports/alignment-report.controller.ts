import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireAccess, SumsInstitutions } from '@chanjiao/auth';
import { ALIGNMENT_PROGRAM_LIMIT, AlignmentReportQuery, AlignmentReportView } from './alignment-report.dto';
import { AlignmentReportService } from './alignment-report.service';
import { CounterRepository } from './counter.repository';
import { ReportReader } from './report-reader';
import { readReport, today } from './report-scope';

@ApiTags('reports')
@ApiBearerAuth()
@RequireAccess('read')
@Controller('reports')
export class AlignmentReportController {
  constructor(
    private readonly alignment: AlignmentReportService,
    private readonly counters: CounterRepository,
    private readonly reader: ReportReader,
  ) {}

  @Get('alignment')
  @ApiOperation({
    summary:
      'Program–industry alignment (专业与产业对接): per key sector its programs, intake, graduates, placement and employment, partner enterprises, order-class students and alliances',
    description:
      'One row per key sector (DESIGN.md §3; labels Chinese first, English beside), then `multiple` and `other`, and `totals`. ' +
      "Programs' figures (programs, intake, graduates, placed, employed, localEmployed, employedInOwnSector, orderClassStudents) " +
      'count in the row of the program: the one key sector it is mapped to, `multiple` when it is mapped to several, `other` when to ' +
      'none (or reporting does not know the program). Each program counts in one row only, so every column sums to the overview’s ' +
      'figure for the same year and asOf (DESIGN.md §5): programs = programs.open, intake = intake.total, graduates = graduates.total, ' +
      'placed = graduates.placed, localEmployed = graduates.localEmployed, partnerEnterprises = partnerships.enterprises, ' +
      'orderClassStudents = partnerships.orderClasses.students, alliances = alliances.total. ' +
      "Partner enterprises count by the partner's own sector, alliances by the sector the alliance names (none: `other`). " +
      'employedInOwnSector counts only the employed graduates whose destination states a sector (denominator), and of those the ones ' +
      "whose sector is one of their program's (numerator). " +
      'Several institutions (a bureau key naming `A,B` or `all`): their sum, each program in the row of its own institution’s ' +
      'mapping, listed programs naming their institution; partner enterprises counted per institution and summed.',
  })
  @SumsInstitutions()
  @ApiOkResponse({ type: AlignmentReportView })
  async report(@CurrentPrincipal() p: Principal, @Query() q: AlignmentReportQuery): Promise<AlignmentReportView> {
    const date = q.asOf ?? today();
    const [about, { rows, totals }] = await readReport(this.reader, this.counters, p, (source) =>
      this.alignment.report(source, q.year, date, q.programLimit ?? ALIGNMENT_PROGRAM_LIMIT.default),
    );
    return Object.assign(about, { year: q.year, date, rows, totals });
  }
}
