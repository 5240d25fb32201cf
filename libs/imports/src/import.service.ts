import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
  ServiceUnavailableException,
} from '@nestjs/common';
import { hostname } from 'node:os';
import { SERVICE_ENV, type ServiceEnv } from '@chanjiao/config';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { DomainError } from '@chanjiao/domain';
import { BodyTooLargeError, Metrics, pageRequest, unstorableText, unstorableTextMessage } from '@chanjiao/edge';
import { keysetSql, Page, toPage } from '@chanjiao/persistence';
import { WriteContext } from '@chanjiao/write';
import { IMPORTS_PAGE } from './import.dto';
import { FileLimitError, ImportLimits, importLimitsOf } from './import-limits';
import { coerceCell, ImportSpec } from './import-spec';
import { isHeaderOf, matchHeader, MatchedHeader } from './import-header';
import { fieldChecks, rowMessageZh, zhOfWriteError, zhReason } from './row-messages';
import { toImportView, type ImportView, type RowError } from './import.dto';
import { fromSpreadsheetCell } from './spreadsheet-text';
import {
  FileEncodingError,
  LegacyWorkbookError,
  readRows,
  isAlive,
  removeLeftTemporaryFolders,
  SheetFormat,
  spool,
  Spooled,
  UnreadableFileError,
} from './row-reader';
import { InvalidText } from './text-encoding';

const CHUNK = 1000;
const MAX_ERRORS_KEPT = 1000;
/** A running import's heartbeat is renewed this often (and with each chunk it writes). */
export const IMPORT_HEARTBEAT_MS = 30_000;
/** A `running` import whose heartbeat is older than this was left by a process that stopped (several missed beats). */
export const IMPORT_STALE_AFTER_MS = 5 * 60_000;
/** How often each instance looks for such imports (and once at start). */
const SWEEP_MS = 60_000;
export const INTERRUPTED_MESSAGE =
  '导入被中断：处理它的进程已停止；请重新导入该文件（已写入的行再次导入不会改变） / interrupted: the process running the import stopped; ' +
  'import the file again (rows already written are unchanged by a re-import)';

interface Progress {
  done: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: StoredRowError[];
  /** The header row as the file writes it. */
  header?: string[];
}

/**
 * Imports a CSV or XLSX file of one entity: rows are read as a stream, validated exactly like API
 * items, and the valid ones written in chunks of {@link CHUNK}, each in its own transaction (a re-import
 * is a no-op). Progress is saved per chunk, for `GET /imports/{id}` while it runs.
 */
@Injectable()
export class ImportService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Import');
  readonly limits: ImportLimits;
  /** This process, as the owner of the imports it runs: its host and process id, to know its own after a restart. */
  private readonly instance = `${hostname()}:${process.pid}:${randomUUID()}`;
  private sweeper?: NodeJS.Timeout;
  /** Set as the service shuts down: running imports stop at their next row and are marked failed. */
  private stopping = false;
  /** The imports running as jobs (answered 202), each settling when it ends. */
  private readonly jobs = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(SERVICE_ENV) env?: ServiceEnv,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.limits = importLimitsOf(env);
  }

  onApplicationBootstrap(): void {
    void removeLeftTemporaryFolders().catch((e: unknown) => this.logger.warn(`temporary folders not removed: ${String(e)}`));
    void this.failInterrupted();
    this.sweeper = setInterval(() => void this.failInterrupted(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Before the database closes: the running imports stop between rows, and are marked failed (interrupted). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.jobs]);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Marks failed (`interrupted`) the imports left `running` by a process that stopped: only those whose heartbeat
   * stopped, since other instances may be running theirs. Answers how many.
   */
  async failInterrupted(staleAfterMs = IMPORT_STALE_AFTER_MS): Promise<number> {
    try {
      // Also, at once, those of an earlier process of this host that is gone (a restarted container keeps its host name,
      // and often its pid: the same pid with another instance id is an earlier process too).
      const [host, pid] = this.instance.split(':') as [string, string];
      const gone = (owner: string) => {
        const [h, p] = owner.split(':');
        return h === host && owner !== this.instance && (p === pid || !isAlive(Number(p)));
      };
      const mine = await this.dataSource.query<Array<{ owner: string }>>(
        `SELECT DISTINCT owner FROM import_jobs WHERE status = 'running' AND owner LIKE $1`,
        [`${host}:%`],
      );
      const earlier = mine.map((r) => r.owner).filter(gone);
      // An UPDATE … RETURNING answers [rows, count] through TypeORM's query().
      const [rows] = await this.dataSource.query<[Array<{ institution: string; id: string; owner: string | null }>, number]>(
        `UPDATE import_jobs SET status = 'failed', message = $1, finished_at = now()
         WHERE status = 'running' AND (heartbeat_at < now() - make_interval(secs => $2) OR owner = ANY($3::text[]))
         RETURNING institution, id, owner`,
        [INTERRUPTED_MESSAGE, staleAfterMs / 1000, earlier],
      );
      for (const r of rows)
        this.logger.warn(`import ${r.id} of ${r.institution} (instance ${r.owner ?? '?'}) was interrupted; marked failed`);
      return rows.length;
    } catch (e) {
      // The database away: the next sweep tries again.
      this.logger.warn(`could not look for interrupted imports: ${(e as Error).message}`);
      return 0;
    }
  }

  async run(
    ctx: WriteContext,
    spec: ImportSpec,
    input: Readable,
    format: SheetFormat,
    encoding?: string,
    importId?: string,
    sheet?: string,
    declaredBytes?: number,
  ): Promise<{ view: ImportView; job: boolean }> {
    const id = importId ?? randomUUID();
    // A failed import may run again under its id (a client retrying after fixing the file: rows it wrote before it
    // failed are unchanged by the re-import). Any other import keeps its id; one statement decides, so two requests with the same id cannot both start. Ids are the
    // institution's own (the key is (institution, id)): another institution's ids neither conflict nor show.
    const started = await this.dataSource.query<unknown[]>(
      `INSERT INTO import_jobs (id, institution, entity, format, status, owner, heartbeat_at) VALUES ($1, $2, $3, $4, 'running', $5, now())
       ON CONFLICT (institution, id) DO UPDATE SET entity = excluded.entity, format = excluded.format, status = 'running', rows_done = 0,
         created = 0, updated = 0, unchanged = 0, failed = 0, errors = '[]', message = NULL, started_at = now(), finished_at = NULL,
         owner = excluded.owner, heartbeat_at = now()
       WHERE import_jobs.status = 'failed'
       RETURNING id`,
      [id, ctx.institution, spec.entity, format, this.instance],
    );
    if (started.length === 0) {
      throw new DomainError('conflict', 'import_exists', `import ${id} exists already; choose another importId`, 'importId');
    }
    const p: Progress = { done: 0, created: 0, updated: 0, unchanged: 0, failed: 0, errors: [] };
    // Beats while it runs, even while a slow upload gives no rows: a stopped beat is how other instances know it died.
    const heartbeat = setInterval(
      () =>
        void this.dataSource
          .query(`UPDATE import_jobs SET heartbeat_at = now() WHERE institution = $1 AND id = $2 AND status = 'running'`, [
            ctx.institution,
            id,
          ])
          .catch((e: unknown) => this.logger.warn(`import ${id}: heartbeat not saved: ${(e as Error).message}`)),
      IMPORT_HEARTBEAT_MS,
    );
    const jobBytes = this.limits.jobBytes;
    if (jobBytes === 0 || (declaredBytes !== undefined && declaredBytes <= jobBytes)) {
      try {
        return { view: await this.process(ctx, spec, id, p, input, format, encoding, sheet), job: false };
      } finally {
        clearInterval(heartbeat);
      }
    }
    // Of unknown size or over the threshold: the upload is on disk before it is answered; over it, it runs as a job.
    let upload: Spooled;
    try {
      upload = await spool(input);
    } catch (e) {
      clearInterval(heartbeat);
      return this.failed(ctx, id, p, e);
    }
    const run = this.process(ctx, spec, id, p, upload.open(), format, encoding, sheet).finally(() => {
      clearInterval(heartbeat);
      return upload.remove();
    });
    if (upload.bytes <= jobBytes) return { view: await run, job: false };
    // Its outcome is the job's record (GET /imports/{id}); a shutdown waits for it to stop (beforeApplicationShutdown).
    const job = run.then(
      () => undefined,
      () => undefined,
    );
    this.jobs.add(job);
    void job.finally(() => this.jobs.delete(job));
    return { view: (await this.find(ctx.institution, id))!, job: true };
  }

  /**
   * Reads the rows and writes the valid ones, saving progress per chunk; records the outcome. A failure is recorded
   * and thrown, as the client's ImportFileError where it is the file's.
   */
  private async process(
    ctx: WriteContext,
    spec: ImportSpec,
    id: string,
    p: Progress,
    input: Readable,
    format: SheetFormat,
    encoding: string | undefined,
    sheet: string | undefined,
  ): Promise<ImportView> {
    try {
      // No transaction around the file: each chunk is written in its own (spec.write, as a batch of the API is), so an
      // import holds its rows' locks (and those of the parents they share, e.g. an alliance) for one chunk, never for the
      // whole file, and the institution's other writes go on meanwhile. The upload is on disk before any row is read
      // (row-reader.ts), so a cut upload writes nothing; a file failing part-way keeps its chunks before, as progress shows.
      await (async () => {
        let header: MatchedHeader | undefined;
        /** The column's title as the file writes it (else the template's Chinese title, else the field). */
        const titleOf = (field: string) => {
          const i = header?.fields.indexOf(field) ?? -1;
          return i >= 0 ? header!.titles[i]! : (spec.columns.find((c) => c.name === field)?.title.zh ?? field);
        };
        let rowNumber = 0;
        let chunk: Array<{ row: number; item: object; cells: unknown[] }> = [];
        const flush = async () => {
          if (chunk.length === 0) return;
          if (this.stopping) throw new ImportInterruptedError();
          const results = await spec.write(
            ctx,
            chunk.map((c) => c.item),
          );
          results.forEach((r, i) => {
            if (r.ok) p[r.outcome]++;
            else {
              const column = r.error.field ?? spec.idColumn;
              this.failRow(
                p,
                [
                  {
                    row: chunk[i]!.row,
                    column,
                    title: titleOf(column),
                    message: r.error.message,
                    message_zh: rowMessageZh(chunk[i]!.row, titleOf(column), zhOfWriteError(r.error.code, r.error.message)),
                    code: r.error.code,
                    value: shownValue((chunk[i]!.item as Record<string, unknown>)[column]),
                  },
                ],
                chunk[i]!.cells,
              );
            }
          });
          chunk = [];
          await this.saveProgress(ctx.institution, id, p, 'running');
        };
        const limits = this.limits;
        const rows = readRows(input, format, encoding, limits, { sheet, isHeader: (cells) => isHeaderOf(spec, cells) });
        for await (const cells of rows) {
          // Stopping (a shutdown): between rows, so a chunk is written whole or not at all.
          if (this.stopping) throw new ImportInterruptedError();
          rowNumber++;
          if (!header) {
            header = this.checkHeader(spec, cells);
            p.header = header.titles;
            continue;
          }
          if (rowNumber - 1 > limits.maxRows) {
            throw new FileLimitError(
              'too_many_rows',
              `文件超过 ${limits.maxRows} 行数据（IMPORT_MAX_ROWS） / the file has more than ${limits.maxRows} data rows (IMPORT_MAX_ROWS); split it`,
            );
          }
          if (cells.every((c) => c === null || c === undefined || String(c).trim() === '')) continue;
          p.done++;
          // Text not valid in the file's encoding is never stored, not even as U+FFFD.
          const invalid = invalidText(header.titles, cells, rowNumber);
          if (invalid.length) {
            this.failRow(p, invalid, cells);
            continue;
          }
          // The apostrophe a spreadsheet file of ours puts before formula-like text (spreadsheet-text.ts) comes off again.
          const texts = cells.map((c) => (typeof c === 'string' ? fromSpreadsheetCell(c) : c));
          const { fields, titles } = header;
          const long = tooLong(titles, texts, rowNumber, limits.maxCellChars);
          if (long.length) {
            this.failRow(p, long, cells);
            continue;
          }
          const raw: Record<string, unknown> = {};
          // A column without a name (a trailing comma, as Excel writes) is no field: empty there, it is left out.
          const unnamed = titles.findIndex((name, i) => name === '' && String(texts[i] ?? '').trim() !== '');
          if (unnamed >= 0) {
            const column = `column ${unnamed + 1}`;
            this.failRow(
              p,
              [
                {
                  row: rowNumber,
                  column,
                  title: column,
                  message: 'a value under a column with no name',
                  message_zh: rowMessageZh(rowNumber, `第 ${unnamed + 1} 列`, '该列没有标题，却填有值'),
                },
              ],
              cells,
            );
            continue;
          }
          const unstorable: StoredRowError[] = [];
          fields.forEach((name, i) => {
            const column = name === null ? undefined : spec.columns.find((c) => c.name === name);
            if (!column) return;
            const value = coerceCell(column.type, texts[i], column.labels);
            // PostgreSQL cannot store NUL or a lone surrogate: a row error here, never a failed statement (a failed import).
            const reason = unstorableIn(value);
            if (reason) {
              const message = unstorableTextMessage(column.name, reason);
              unstorable.push({
                row: rowNumber,
                column: column.name,
                title: titles[i],
                message,
                message_zh: rowMessageZh(rowNumber, titles[i]!, message.split(' / ')[0]!),
              });
            } else if (value !== undefined) raw[column.name] = value;
          });
          if (unstorable.length) {
            this.failRow(p, unstorable, cells);
            continue;
          }
          const item = plainToInstance(spec.dto, raw);
          const checks = fieldChecks(await validate(item, { whitelist: true, forbidNonWhitelisted: true }));
          if (checks.length) {
            // One error per column is enough for a person fixing the sheet: the first, which says what the value is not
            // (an integer) before what it exceeds.
            const firstPerColumn = new Map<string, (typeof checks)[number]>();
            for (const e of checks) if (!firstPerColumn.has(e.field)) firstPerColumn.set(e.field, e);
            this.failRow(
              p,
              [...firstPerColumn.values()].map((e) => {
                const i = fields.indexOf(e.field);
                const column = spec.columns.find((c) => c.name === e.field);
                // The value as the clerk wrote it (高级), not as it was read (a code, or the text unchanged).
                const written = i >= 0 ? texts[i] : undefined;
                const check = written === undefined || written === null ? e : Object.assign({}, e, { value: textOfCell(written) });
                return {
                  row: rowNumber,
                  column: e.field,
                  title: titleOf(e.field),
                  message: e.message,
                  message_zh: rowMessageZh(rowNumber, titleOf(e.field), zhReason(check, column)),
                  value: shownValue(written),
                };
              }),
              cells,
            );
            continue;
          }
          chunk.push({ row: rowNumber, item, cells });
          if (chunk.length >= CHUNK) await flush();
        }
        if (!header) throw new ImportFileError('empty_file', 'the file has no header row');
        await flush();
      })();
    } catch (e) {
      return this.failed(ctx, id, p, e);
    }
    // Outside the catch: the rows are committed, so a failure to record that is not "nothing was written".
    await this.saveProgress(ctx.institution, id, p, 'completed');
    this.metrics?.imports.inc({ outcome: p.failed > 0 ? 'completed_with_errors' : 'completed' });
    return (await this.find(ctx.institution, id))!;
  }

  /** Records the import failed, saying what of it was written, and throws what the client is answered. */
  private async failed(ctx: WriteContext, id: string, p: Progress, e: unknown): Promise<never> {
    {
      // The client's files (unreadable, over a limit, too large a body) fail their import without an error-level stack.
      const known =
        e instanceof ImportFileError ||
        e instanceof UnreadableFileError ||
        e instanceof FileLimitError ||
        e instanceof BodyTooLargeError ||
        e instanceof ImportInterruptedError;
      const message = withWritten(known ? e.message : '导入失败 / import failed', p);
      this.metrics?.imports.inc({ outcome: e instanceof ImportInterruptedError ? 'interrupted' : known ? 'rejected' : 'failed' });
      if (!known) this.logger.error(`import ${id} failed: ${(e as Error).stack}`);
      await this.dataSource.query(
        `UPDATE import_jobs SET status = 'failed', message = $3, finished_at = now(), rows_done = $4, created = $5, updated = $6,
           unchanged = $7, failed = $8, errors = $9::jsonb WHERE institution = $1 AND id = $2`,
        [ctx.institution, id, message, p.done, p.created, p.updated, p.unchanged, p.failed, JSON.stringify(p.errors)],
      );
      if (e instanceof FileEncodingError) throw new ImportFileError('invalid_encoding', message, 'encoding');
      if (e instanceof LegacyWorkbookError) throw new ImportFileError('unsupported_format', message);
      if (e instanceof UnreadableFileError) throw new ImportFileError('invalid_file', message);
      if (e instanceof FileLimitError) throw new ImportFileError(e.code, message);
      if (e instanceof ImportFileError) throw new ImportFileError(e.code, message, e.field === 'encoding' ? 'encoding' : 'file');
      if (e instanceof ImportInterruptedError) throw new ServiceUnavailableException({ error: 'shutting_down', message });
      throw e;
    }
  }

  async find(institution: string, id: string): Promise<ImportView | undefined> {
    const [j] = await this.dataSource.query<Array<Record<string, any>>>(`SELECT * FROM import_jobs WHERE institution = $2 AND id = $1`, [
      id,
      institution,
    ]);
    return j && this.view(j);
  }

  /**
   * An institution's imports, newest first, running ones included: a keyset page on (started_at, id) descending. The
   * cursor holds the last item's start as PostgreSQL writes it (microseconds, which a JS Date would round away).
   */
  async recent(institution: string, q: { limit?: number; cursor?: string }): Promise<Page<ImportView>> {
    const page = pageRequest(q, ['timestamp', 'text'], IMPORTS_PAGE);
    const keyset = keysetSql(['started_at', 'id'], page, 2, 'desc');
    const rows = await this.dataSource.query<Array<Record<string, any>>>(
      `SELECT *, started_at::text AS started_key FROM import_jobs
       WHERE institution = $1 ${keyset.where ? `AND ${keyset.where}` : ''} ${keyset.orderLimit}`,
      [institution, ...keyset.params],
    );
    return toPage(
      rows,
      page,
      (j) => [j.started_key, j.id],
      (j) => this.view(j),
    );
  }

  /** The stored row errors of an import (the first 1,000), each with its bad cell's value; undefined for no such import. */
  async errorReport(institution: string, id: string): Promise<StoredRowError[] | undefined> {
    const [j] = await this.dataSource.query<Array<{ errors: StoredRowError[] }>>(
      `SELECT errors FROM import_jobs WHERE institution = $1 AND id = $2`,
      [institution, id],
    );
    return j?.errors;
  }

  private view(j: Record<string, any>): ImportView {
    return toImportView({
      importId: j.id,
      entity: j.entity,
      status: j.status,
      rows: { done: j.rows_done, created: j.created, updated: j.updated, unchanged: j.unchanged, failed: j.failed },
      errors: j.errors as StoredRowError[],
      message: j.message ? (j.message as string) : undefined,
      startedAt: new Date(j.started_at).toISOString(),
      finishedAt: j.finished_at ? new Date(j.finished_at).toISOString() : null,
    });
  }

  /** Counts a rejected row and keeps its errors, the first with the row's cells as written (for the error report). */
  private failRow(p: Progress, errors: StoredRowError[], cells?: unknown[]): void {
    p.failed++;
    errors.forEach((e, i) => {
      if (p.errors.length >= MAX_ERRORS_KEPT) return;
      const kept: StoredRowError = i === 0 && cells ? Object.assign({}, e, { cells: cells.map(keptCell) }) : e;
      if (p.errors.length === 0 && p.header) kept.header = p.header;
      p.errors.push(kept);
    });
  }

  private checkHeader(spec: ImportSpec, cells: unknown[]): MatchedHeader {
    const invalid = cells.find((c) => c instanceof InvalidText);
    if (invalid) {
      throw new ImportFileError(
        'invalid_encoding',
        `表头不是有效的 ${invalid.encoding} 文本 / the header row is not valid ${invalid.encoding}; give the file's encoding as encoding=…`,
        'encoding',
      );
    }
    const header = cells.map((c) =>
      String(c ?? '')
        .replace(/^\uFEFF/, '')
        .trim(),
    );
    const unstorable = header.findIndex((h) => unstorableText(h));
    if (unstorable >= 0) {
      // Named by position: the name itself cannot be stored in the import's message.
      const column = `column ${unstorable + 1}`;
      throw new ImportFileError('invalid_header', unstorableTextMessage(`header ${column}`, unstorableText(header[unstorable]!)!));
    }
    const matched = matchHeader(spec, header);
    if (Array.isArray(matched)) {
      const expected = spec.columns.map((c) => `${c.title.zh}（${c.name}）`).join('、');
      throw new ImportFileError(
        'invalid_header',
        `表头有误：${matched.map((m) => m.zh).join('；')}（应有的列：${expected}） / ` +
          `${matched.map((m) => m.en).join('; ')} (expected: ${spec.columns.map((c) => c.name).join(', ')})`,
      );
    }
    return matched;
  }

  private async saveProgress(institution: string, id: string, p: Progress, status: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE import_jobs SET status = $3, rows_done = $4, created = $5, updated = $6, unchanged = $7, failed = $8, errors = $9::jsonb,
         heartbeat_at = now(), finished_at = CASE WHEN $3 = 'running' THEN NULL ELSE now() END WHERE institution = $1 AND id = $2`,
      [institution, id, status, p.done, p.created, p.updated, p.unchanged, p.failed, JSON.stringify(p.errors)],
    );
  }
}

/**
 * A row error as stored: with the bad cell's value (its first {@link SHOWN_VALUE_CHARS} characters), and on a row's
 * first error the row's cells as written, for the error report.
 */
export type StoredRowError = RowError & {
  value?: string;
  cells?: Array<string | number | boolean | null>;
  /** On the import's first stored error only: the file's header row as written, for the rejected rows' report. */
  header?: string[];
};
const SHOWN_VALUE_CHARS = 200;
/** Characters of a rejected row's cell kept for the error report (the 1,000 rows kept stay small). */
const KEPT_CELL_CHARS = 2000;

/** A cell of a rejected row as the error report writes it back: text, number or yes/no; a date as YYYY-MM-DD. */
function keptCell(c: unknown): string | number | boolean | null {
  if (c === null || c === undefined || c instanceof InvalidText) return null;
  if (typeof c === 'number' || typeof c === 'boolean') return c;
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  // PostgreSQL's jsonb holds neither NUL nor a lone surrogate: the report shows them gone (the row's error says why).
  return detached(textOfCell(c).slice(0, KEPT_CELL_CHARS))
    .replace(/\u0000/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** The text of a cell: text as it is, rich text joined, a formula's result. */
function textOfCell(c: unknown): string {
  if (typeof c === 'string') return c;
  if (c !== null && typeof c === 'object') {
    if ('richText' in c) return textOfRich(c);
    if ('result' in c) return textOfCell((c as { result: unknown }).result);
    if ('text' in c) return textOfCell((c as { text: unknown }).text);
  }
  return c === null || c === undefined ? '' : String(c as string | number | boolean);
}

function shownValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const text = Array.isArray(v) ? v.join(';') : typeof v === 'object' ? undefined : String(v);
  return text === undefined || text === '' ? undefined : detached(text.slice(0, SHOWN_VALUE_CHARS));
}

/**
 * A copy of `text` of its own. V8 keeps the whole of a string a slice was taken from: the first 2,000 characters of
 * each of 1,000 rejected 32,767-character cells held 65 MB of cells alive for the whole import.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/** The message of a failed import, saying what of it was written before it failed (chunks commit one by one). */
function withWritten(message: string, p: Progress): string {
  const written = p.created + p.updated + p.unchanged;
  if (written === 0) return `${message} (nothing was written)`;
  return `${message} (${written} rows before it were written; a re-import of the fixed file leaves them unchanged)`;
}

/** A row error for each cell whose bytes are not valid text in the file's encoding. */
function invalidText(header: string[], cells: unknown[], row: number): RowError[] {
  return cells.flatMap((c, i) =>
    c instanceof InvalidText
      ? [
          {
            row,
            column: header[i] || `column ${i + 1}`,
            title: header[i] || `column ${i + 1}`,
            message: `the text is not valid ${c.encoding}`,
            message_zh: rowMessageZh(row, header[i] || `第 ${i + 1} 列`, `文字不是有效的 ${c.encoding} 编码`),
          },
        ]
      : [],
  );
}

/** A row error for each cell longer than a cell may be (Excel's own limit by default). */
function tooLong(header: string[], cells: unknown[], row: number, max: number): RowError[] {
  return cells.flatMap((c, i) => {
    const text = typeof c === 'string' ? c : c instanceof InvalidText ? '' : textOfRich(c);
    return text.length > max
      ? [
          {
            row,
            column: header[i] || `column ${i + 1}`,
            title: header[i] || `column ${i + 1}`,
            message_zh: rowMessageZh(row, header[i] || `第 ${i + 1} 列`, `单元格有 ${text.length} 个字符，超过 ${max}`),
            message: `单元格有 ${text.length} 个字符，超过 ${max}（IMPORT_MAX_CELL_CHARS） / the cell has ${text.length} characters, more than ${max} (IMPORT_MAX_CELL_CHARS)`,
          },
        ]
      : [];
  });
}

/** The text of an XLSX rich-text cell ({ richText: [{ text }] }), else ''. */
function textOfRich(c: unknown): string {
  if (c === null || typeof c !== 'object' || !('richText' in c) || !Array.isArray(c.richText)) return '';
  return (c.richText as Array<{ text?: unknown }>).map((r) => (typeof r.text === 'string' ? r.text : '')).join('');
}

/** Why a coerced cell (text, or a list of texts) cannot be stored, if it cannot. */
function unstorableIn(value: unknown): ReturnType<typeof unstorableText> {
  if (typeof value === 'string') return unstorableText(value);
  if (Array.isArray(value)) for (const v of value) if (typeof v === 'string' && unstorableText(v)) return unstorableText(v);
  return undefined;
}

/** The service stopped while the import ran (a shutdown): it is marked failed, its chunks before kept. */
export class ImportInterruptedError extends Error {
  constructor() {
    super(INTERRUPTED_MESSAGE);
  }
}

/** The file as a whole cannot be imported (400): bad header, unreadable, empty, or not in an encoding it can be read in. */
export class ImportFileError extends DomainError {
  constructor(code: string, message: string, field: 'file' | 'encoding' = 'file') {
    super('invalid', code, message, field);
  }
}
