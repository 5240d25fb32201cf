import { Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart'; // adds req.file() / req.isMultipart() to the request type
import { PassThrough, Readable } from 'node:stream';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { BodyTooLargeError, PageView, validationFailed } from '@chanjiao/edge';
import type { Page } from '@chanjiao/persistence';
import { IMPORT_SPECS, ImportSpec } from './import-spec';
import { ImportPageQuery, ImportView } from './import.dto';
import { ImportFileError, ImportService } from './import.service';
import { SheetFormat, UnreadableFileError } from './row-reader';
import { csvOf, SheetValue, XLSX_TYPE, xlsxOf } from './sheet-writer';
import { REASON_TITLE, titleClash } from './import-header';
import { TEMPLATE_LANGS, templateLangOf, templateRows, templateXlsx } from './import-template';
import type { StoredRowError } from './import.service';
import { csvEncodingNamed } from './text-encoding';

/**
 * A multipart file's stream whose read errors (the body ends before its closing boundary) are the file's: the import
 * answers 400 `invalid_file`, as for any file it cannot read, instead of 500.
 */
function uploadOf(file: Readable): Readable {
  const out = new PassThrough();
  file.once('error', (e) => out.destroy(new UnreadableFileError(`the upload ended before its file did: ${e.message}`)));
  // Past the multipart file size limit (IMPORT_MAX_BYTES) busboy ends the file early without an error: an import of the
  // truncated file would "complete". It fails instead, answered 413 body_too_large by the exception filter.
  file.once('limit', () => {
    file.unpipe(out);
    out.destroy(new BodyTooLargeError(undefined));
  });
  // A short body fails before the import begins to read: the stream keeps the error for its reader, which must not
  // become an uncaught 'error' event meanwhile.
  out.on('error', () => undefined);
  return file.pipe(out);
}

function formatOf(query: string | undefined, contentType: string | undefined, filename?: string): SheetFormat {
  if (query === 'csv' || query === 'xlsx') return query;
  if (query) throw validationFailed([{ field: 'format', message: 'format must be csv or xlsx' }]);
  if (filename?.toLowerCase().endsWith('.xlsx') || contentType?.startsWith(XLSX_TYPE)) return 'xlsx';
  return 'csv';
}

const importNotFound = (id: string) => new NotFoundException({ error: 'import_not_found', message: `没有导入 ${id} / no import ${id}` });

/** A spreadsheet download, written by sheet-writer.ts (formula-like text escaped). */
async function sendSheet(
  reply: FastifyReply,
  format: SheetFormat,
  filename: string,
  sheetName: string,
  rows: SheetValue[][],
  xlsx: () => Promise<Buffer> = () => xlsxOf(sheetName, rows, { textColumns: true }),
): Promise<void> {
  if (format === 'csv') {
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}.csv"`)
      .send(csvOf(rows));
    return;
  }
  const buffer = await xlsx();
  void reply.header('content-type', XLSX_TYPE).header('content-disposition', `attachment; filename="${filename}.xlsx"`).send(buffer);
}

/**
 * The rejected rows of an import as the file wrote them, under its own header, with a last column saying why (in
 * Chinese, then English): fixed, the sheet imports again as it is (the import skips that column).
 */
export function rejectedRows(errors: StoredRowError[]): SheetValue[][] {
  const header = errors.find((e) => e.header)?.header ?? [];
  const byRow = new Map<number, StoredRowError[]>();
  for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
  const width = Math.max(header.length, ...errors.map((e) => e.cells?.length ?? 0));
  const rows: SheetValue[][] = [[...header, ...Array<string>(width - header.length).fill(''), REASON_TITLE]];
  for (const [, errs] of byRow) {
    const cells = errs.find((e) => e.cells)?.cells ?? [];
    const reason = errs.map((e) => `${e.message_zh ?? `第 ${e.row} 行「${e.title ?? e.column}」`} / ${e.message}`).join('\n');
    rows.push([...cells, ...Array<null>(width - cells.length).fill(null), reason]);
  }
  return rows;
}

@ApiTags('imports')
@ApiBearerAuth()
@RequireAccess('write')
@Controller('imports')
export class ImportController {
  private readonly specs: Map<string, ImportSpec>;

  constructor(
    @Inject(IMPORT_SPECS) specs: ImportSpec[],
    private readonly imports: ImportService,
  ) {
    for (const s of specs) {
      const clash = titleClash(s);
      if (clash) throw new Error(clash);
    }
    this.specs = new Map(specs.map((s) => [s.entity, s]));
  }

  @Post(':entity')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import a CSV (UTF-8, with or without BOM, or GB18030) or XLSX file of one entity',
    description:
      'Send the file as the body (Content-Type text/csv or the XLSX type) or as multipart/form-data field "file". ' +
      'Columns are the API fields. Valid rows are written in chunks of 1,000, each in its own transaction (an import never holds ' +
      'locks that stall other writes); bad rows are listed with row number, column and reason. ' +
      'Re-importing the same file changes nothing. A file over IMPORT_JOB_BYTES (16 MiB by default) is answered 202 once it is ' +
      'in, with the import running (`status: running`): follow it with GET /imports/{importId} (rows read, written, rejected).',
  })
  @ApiConsumes('text/csv', XLSX_TYPE, 'multipart/form-data')
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'xlsx'] })
  @ApiQuery({
    name: 'encoding',
    required: false,
    description:
      'The text encoding of a CSV (a WHATWG label: utf-8, gb18030, gbk, big5, utf-16le…). Given, it decides: a cell whose bytes ' +
      'are not valid in it is a row error ("the text is not valid GB18030"), never stored. Not given, a byte order mark decides ' +
      '(UTF-8, UTF-16LE/BE; the same holds), else the whole file: UTF-8 if it is valid UTF-8 throughout, else GB18030 (as Chinese ' +
      'Excel writes "CSV") if valid GB18030 throughout, else the file is refused with 400 invalid_encoding naming encoding and ' +
      'nothing is written. A header row not valid in the encoding is refused the same way.',
  })
  @ApiQuery({
    name: 'sheet',
    required: false,
    description:
      'The sheet of an XLSX to read, by name; not given, the first visible sheet whose header row holds every required column ' +
      '(a workbook may begin with an instructions sheet)',
  })
  @ApiQuery({
    name: 'importId',
    required: false,
    description: 'A UUID chosen by the client, to follow progress with GET /imports/{importId} while the upload runs',
  })
  @ApiOkResponse({ type: ImportView })
  @ApiAcceptedResponse({ type: ImportView, description: 'A file over IMPORT_JOB_BYTES: in, and running as a job' })
  async import(
    @CurrentPrincipal() p: Principal,
    @Param('entity') entity: string,
    @Query('format') format: string | undefined,
    @Query('encoding') encoding: string | undefined,
    @Query('importId') importId: string | undefined,
    @Query('sheet') sheet: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const spec = this.spec(entity);
    if (importId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(importId)) {
      throw validationFailed([{ field: 'importId', message: 'importId must be a UUID' }]);
    }
    if (encoding !== undefined && !csvEncodingNamed(encoding)) {
      throw validationFailed([{ field: 'encoding', message: `encoding ${encoding} is not known (e.g. utf-8, gb18030)` }]);
    }
    let stream: Readable;
    let filename: string | undefined;
    // The file's size, where the body is the file and says it; a multipart file's is known once it is in.
    let declaredBytes: number | undefined;
    if (req.isMultipart()) {
      const file = await req.file().catch((e: unknown) => {
        // Our limits (413) as they are; a body that is not multipart as it says (busboy's plain errors) is the client's.
        if ((e as { statusCode?: number }).statusCode) throw e;
        throw new ImportFileError('invalid_file', `not a readable multipart/form-data body: ${(e as Error).message}`);
      });
      if (!file) throw new ImportFileError('missing_file', 'multipart body has no file field');
      stream = uploadOf(file.file);
      filename = file.filename;
    } else if (req.body instanceof Readable) {
      stream = req.body;
      const length = Number(req.headers['content-length']);
      if (Number.isSafeInteger(length) && length >= 0) declaredBytes = length;
    } else {
      throw new ImportFileError(
        'missing_file',
        'send the file as the body with Content-Type text/csv or the XLSX type, or as multipart/form-data',
      );
    }
    const { view, job } = await this.imports.run(
      { institution: p.institution, actor: p.keyId, traceparent },
      spec,
      stream,
      formatOf(format, req.headers['content-type'], filename),
      encoding,
      importId,
      sheet,
      declaredBytes,
    );
    // Sent here: @HttpCode would set every answer's status, a job's 202 too.
    void reply.status(job ? 202 : 200).send(view);
  }

  @Get(':entity/template')
  @ApiOperation({
    summary: 'A blank template: the header row and one example row',
    description:
      'lang=zh (or zh-Hant) gives the Chinese column titles and enum labels, lang=en (the default) the field names and codes. ' +
      'The XLSX has the data sheet first (a drop-down list on every enum column), then an instructions sheet; the CSV is UTF-8 ' +
      'with a BOM. Filled in, either imports as it is.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'xlsx'] })
  @ApiQuery({ name: 'lang', required: false, enum: TEMPLATE_LANGS })
  @ApiProduces('text/csv', XLSX_TYPE)
  async template(
    @Param('entity') entity: string,
    @Query('format') format: string | undefined,
    @Query('lang') lang: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const spec = this.spec(entity);
    const f = formatOf(format ?? 'csv', undefined);
    const l = templateLangOf(lang ?? 'en');
    if (!l)
      throw validationFailed([
        { field: 'lang', message: `lang 应为 zh、zh-Hant 或 en / lang must be one of ${TEMPLATE_LANGS.join(', ')}` },
      ]);
    await sendSheet(reply, f, `${entity}-template${l === 'en' ? '' : `-${l}`}`, entity, templateRows(spec, l), () => templateXlsx(spec, l));
  }

  @Get(':importId/errors')
  @ApiOperation({
    summary: 'The bad rows of an import as a spreadsheet (the first 1,000 errors)',
    description:
      'layout=list (the default): one line per error: row, column, value, message, code, message_zh. layout=rows: the rejected rows ' +
      'as the file wrote them, under its header, with a last column "错误原因 / error reason": fix them and import the sheet again ' +
      '(the import skips that column). Every text cell a spreadsheet would run as a formula (= + - @, tab, CR) is written behind ' +
      'an apostrophe.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'xlsx'] })
  @ApiQuery({ name: 'layout', required: false, enum: ['list', 'rows'] })
  @ApiProduces('text/csv', XLSX_TYPE)
  async errorReport(
    @CurrentPrincipal() p: Principal,
    @Param(
      'importId',
      new ParseUUIDPipe({ exceptionFactory: () => validationFailed([{ field: 'importId', message: 'importId must be a UUID' }]) }),
    )
    id: string,
    @Query('format') format: string | undefined,
    @Query('layout') layout: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const f = formatOf(format ?? 'csv', undefined);
    if (layout !== undefined && layout !== 'list' && layout !== 'rows') {
      throw validationFailed([{ field: 'layout', message: 'layout 应为 list 或 rows / layout must be list or rows' }]);
    }
    const errors = await this.imports.errorReport(p.institution, id);
    if (!errors) throw importNotFound(id);
    if (layout === 'rows') {
      await sendSheet(reply, f, `import-${id}-rejected`, '退回的行', rejectedRows(errors));
      return;
    }
    const rows = [
      ['row', 'column', 'value', 'message', 'code', 'message_zh'],
      ...errors.map((e) => [e.row, e.column, e.value ?? null, e.message, e.code ?? null, e.message_zh ?? null]),
    ];
    await sendSheet(reply, f, `import-${id}-errors`, 'errors', rows);
  }

  @Get()
  @ApiOperation({ summary: "The imports of the key's institution, newest first, running ones included; paged (limit, cursor)" })
  @ApiOkResponse({ type: PageView(ImportView) })
  recent(@CurrentPrincipal() p: Principal, @Query() q: ImportPageQuery): Promise<Page<ImportView>> {
    return this.imports.recent(p.institution, q);
  }

  @Get(':importId')
  @ApiOperation({ summary: 'Progress and outcome of an import (rows done, errors so far)' })
  @ApiOkResponse({ type: ImportView })
  async progress(
    @CurrentPrincipal() p: Principal,
    @Param(
      'importId',
      new ParseUUIDPipe({ exceptionFactory: () => validationFailed([{ field: 'importId', message: 'importId must be a UUID' }]) }),
    )
    id: string,
  ): Promise<ImportView> {
    const found = await this.imports.find(p.institution, id);
    if (!found) throw importNotFound(id);
    return found;
  }

  private spec(entity: string): ImportSpec {
    const spec = this.specs.get(entity);
    if (!spec)
      throw new NotFoundException({
        error: 'unknown_entity',
        message: `no import for "${entity}"; one of: ${[...this.specs.keys()].join(', ')}`,
      });
    return spec;
  }
}
