import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { SERVICE_ENV, type ServiceEnv } from '@chanjiao/config';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { DomainError } from '@chanjiao/domain';
import { BodyTooLargeError, flattenValidationErrors, Metrics, pageRequest, unstorableText, unstorableTextMessage } from '@chanjiao/edge';
import { keysetSql, Page, toPage } from '@chanjiao/persistence';
import { WriteContext } from '@chanjiao/write';
import { IMPORTS_PAGE } from './import.dto';
import { FileLimitError, ImportLimits, importLimitsOf } from './import-limits';
import { coerceCell, ImportSpec } from './import-spec';
import { toImportView, type ImportView, type RowError } from './import.dto';
import { fromSpreadsheetCell } from './spreadsheet-text';
import { FileEncodingError, readRows, removeLeftTemporaryFolders, SheetFormat, UnreadableFileError } from './row-reader';
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
}

/**
 * Imports a CSV or XLSX file of one entity: rows are read as a stream, validated exactly like API
 * items, and the valid ones written in chunks of {@link CHUNK}, each in its own transaction (a re-import
 * is a no-op). Progress is saved per chunk, for `GET /imports/{id}` while it runs.
 */
@Injectable()
export class ImportService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Import');
  readonly limits: ImportLimits;
  /** This process, as the owner of the imports it runs. */
  private readonly instance = randomUUID();
  private sweeper?: NodeJS.Timeout;

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

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Marks failed (`interrupted`) the imports left `running` by a process that stopped: only those whose heartbeat
   * stopped, since other instances may be running theirs. Answers how many.
   */
  async failInterrupted(staleAfterMs = IMPORT_STALE_AFTER_MS): Promise<number> {
    try {
      // An UPDATE … RETURNING answers [rows, count] through TypeORM's query().
      const [rows] = await this.dataSource.query<[Array<{ institution: string; id: string; owner: string | null }>, number]>(
        `UPDATE import_jobs SET status = 'failed', message = $1, finished_at = now()
         WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $2)
         RETURNING institution, id, owner`,
        [INTERRUPTED_MESSAGE, staleAfterMs / 1000],
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
  ): Promise<ImportView> {
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
    try {
      // No transaction around the file: each chunk is written in its own (spec.write, as a batch of the API is), so an
      // import holds its rows' locks (and those of the parents they share, e.g. an alliance) for one chunk, never for the
      // whole file, and the institution's other writes go on meanwhile. The upload is on disk before any row is read
      // (row-reader.ts), so a cut upload writes nothing; a file failing part-way keeps its chunks before, as progress shows.
      await (async () => {
        let header: string[] | undefined;
        let rowNumber = 0;
        let chunk: Array<{ row: number; item: object }> = [];
        const flush = async () => {
          if (chunk.length === 0) return;
          const results = await spec.write(
            ctx,
            chunk.map((c) => c.item),
          );
          results.forEach((r, i) => {
            if (r.ok) p[r.outcome]++;
            else
              this.failRow(p, [
                {
                  row: chunk[i]!.row,
                  column: r.error.field ?? spec.idColumn,
                  message: r.error.message,
                  code: r.error.code,
                  value: shownValue((chunk[i]!.item as Record<string, unknown>)[r.error.field ?? spec.idColumn]),
                },
              ]);
          });
          chunk = [];
          await this.saveProgress(ctx.institution, id, p, 'running');
        };
        const limits = this.limits;
        for await (const cells of readRows(input, format, encoding, limits)) {
          rowNumber++;
          if (!header) {
            header = this.checkHeader(spec, cells);
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
          const invalid = invalidText(header, cells, rowNumber);
          if (invalid.length) {
            this.failRow(p, invalid);
            continue;
          }
          // The apostrophe a spreadsheet file of ours puts before formula-like text (spreadsheet-text.ts) comes off again.
          const texts = cells.map((c) => (typeof c === 'string' ? fromSpreadsheetCell(c) : c));
          const columns = header;
          const long = tooLong(header, texts, rowNumber, limits.maxCellChars);
          if (long.length) {
            this.failRow(p, long);
            continue;
          }
          const raw: Record<string, unknown> = {};
          // A column without a name (a trailing comma, as Excel writes) is no field: empty there, it is left out.
          const unnamed = header.findIndex((name, i) => name === '' && String(texts[i] ?? '').trim() !== '');
          if (unnamed >= 0) {
            this.failRow(p, [{ row: rowNumber, column: `column ${unnamed + 1}`, message: 'a value under a column with no name' }]);
            continue;
          }
          const unstorable: RowError[] = [];
          header.forEach((name, i) => {
            const column = spec.columns.find((c) => c.name === name);
            if (!column) return;
            const value = coerceCell(column.type, texts[i]);
            // PostgreSQL cannot store NUL or a lone surrogate: a row error here, never a failed statement (a failed import).
            const reason = unstorableIn(value);
            if (reason) unstorable.push({ row: rowNumber, column: name, message: unstorableTextMessage(name, reason) });
            else if (value !== undefined) raw[name] = value;
          });
          if (unstorable.length) {
            this.failRow(p, unstorable);
            continue;
          }
          const item = plainToInstance(spec.dto, raw);
          const errors = flattenValidationErrors(await validate(item, { whitelist: true, forbidNonWhitelisted: true }));
          if (errors.length) {
            // One error per column is enough for a person fixing the sheet: the first, which says what the value is not
            // (an integer) before what it exceeds.
            const firstPerColumn = new Map<string, (typeof errors)[number]>();
            for (const e of errors) if (!firstPerColumn.has(e.field)) firstPerColumn.set(e.field, e);
            const onePerColumn = [...firstPerColumn.values()];
            this.failRow(
              p,
              onePerColumn.map((e) => ({
                row: rowNumber,
                column: e.field,
                message: e.message,
                value: shownValue(texts[columns.indexOf(e.field)]),
              })),
            );
            continue;
          }
          chunk.push({ row: rowNumber, item });
          if (chunk.length >= CHUNK) await flush();
        }
        if (!header) throw new ImportFileError('empty_file', 'the file has no header row');
        await flush();
      })();
    } catch (e) {
      // The client's files (unreadable, over a limit, too large a body) fail their import without an error-level stack.
      const known =
        e instanceof ImportFileError || e instanceof UnreadableFileError || e instanceof FileLimitError || e instanceof BodyTooLargeError;
      const message = withWritten(known ? e.message : '导入失败 / import failed', p);
      this.metrics?.imports.inc({ outcome: known ? 'rejected' : 'failed' });
      if (!known) this.logger.error(`import ${id} failed: ${(e as Error).stack}`);
      await this.dataSource.query(
        `UPDATE import_jobs SET status = 'failed', message = $3, finished_at = now(), rows_done = $4, created = $5, updated = $6,
           unchanged = $7, failed = $8, errors = $9::jsonb WHERE institution = $1 AND id = $2`,
        [ctx.institution, id, message, p.done, p.created, p.updated, p.unchanged, p.failed, JSON.stringify(p.errors)],
      );
      if (e instanceof FileEncodingError) throw new ImportFileError('invalid_encoding', message, 'encoding');
      if (e instanceof UnreadableFileError) throw new ImportFileError('invalid_file', message);
      if (e instanceof FileLimitError) throw new ImportFileError(e.code, message);
      if (e instanceof ImportFileError) throw new ImportFileError(e.code, message, e.field === 'encoding' ? 'encoding' : 'file');
      throw e;
    } finally {
      clearInterval(heartbeat);
    }
    // Outside the catch: the rows are committed, so a failure to record that is not "nothing was written".
    await this.saveProgress(ctx.institution, id, p, 'completed');
    this.metrics?.imports.inc({ outcome: p.failed > 0 ? 'completed_with_errors' : 'completed' });
    return (await this.find(ctx.institution, id))!;
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

  private failRow(p: Progress, errors: StoredRowError[]): void {
    p.failed++;
    for (const e of errors) if (p.errors.length < MAX_ERRORS_KEPT) p.errors.push(e);
  }

  private checkHeader(spec: ImportSpec, cells: unknown[]): string[] {
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
    const known = new Set(spec.columns.map((c) => c.name));
    const unknown = header.filter((h) => h && !known.has(h));
    const missing = spec.columns.filter((c) => c.required && !header.includes(c.name)).map((c) => c.name);
    const duplicate = header.filter((h, i) => h && header.indexOf(h) !== i);
    const problems = [
      unknown.length && `unknown columns: ${unknown.join(', ')}`,
      missing.length && `missing columns: ${missing.join(', ')}`,
      duplicate.length && `repeated columns: ${duplicate.join(', ')}`,
    ].filter(Boolean);
    if (problems.length) {
      throw new ImportFileError('invalid_header', `${problems.join('; ')} (expected: ${spec.columns.map((c) => c.name).join(', ')})`);
    }
    return header;
  }

  private async saveProgress(institution: string, id: string, p: Progress, status: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE import_jobs SET status = $3, rows_done = $4, created = $5, updated = $6, unchanged = $7, failed = $8, errors = $9::jsonb,
         heartbeat_at = now(), finished_at = CASE WHEN $3 = 'running' THEN NULL ELSE now() END WHERE institution = $1 AND id = $2`,
      [institution, id, status, p.done, p.created, p.updated, p.unchanged, p.failed, JSON.stringify(p.errors)],
    );
  }
}

/** A row error as stored: with the bad cell's value (its first {@link SHOWN_VALUE_CHARS} characters), for the error report. */
export type StoredRowError = RowError & { value?: string };
const SHOWN_VALUE_CHARS = 200;

function shownValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const text = Array.isArray(v) ? v.join(';') : typeof v === 'object' ? undefined : String(v);
  return text === undefined || text === '' ? undefined : text.slice(0, SHOWN_VALUE_CHARS);
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
    c instanceof InvalidText ? [{ row, column: header[i] || `column ${i + 1}`, message: `the text is not valid ${c.encoding}` }] : [],
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

/** The file as a whole cannot be imported (400): bad header, unreadable, empty, or not in an encoding it can be read in. */
export class ImportFileError extends DomainError {
  constructor(code: string, message: string, field: 'file' | 'encoding' = 'file') {
    super('invalid', code, message, field);
  }
}
