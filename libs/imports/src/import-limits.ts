import type { ServiceEnv } from '@chanjiao/config';

/** What one import may hold (README "Import limits"); from the service's env. */
export interface ImportLimits {
  /** Bytes all parts of an XLSX may inflate to, declared or counted (IMPORT_MAX_INFLATED_BYTES). */
  maxInflatedBytes: number;
  /** Uncompressed to compressed size of an XLSX part over 1 MiB (IMPORT_MAX_INFLATE_RATIO). */
  maxInflateRatio: number;
  /** Bytes of an XLSX's shared strings, which are held in memory while it is read (IMPORT_MAX_SHARED_STRINGS_BYTES). */
  maxSharedStringsBytes: number;
  /** Data rows of a file, the header not counted (IMPORT_MAX_ROWS). */
  maxRows: number;
  /** Characters of one cell (IMPORT_MAX_CELL_CHARS). */
  maxCellChars: number;
  /** Bytes of an upload past which it runs as a job, answered 202 once it is in (IMPORT_JOB_BYTES); 0: never. */
  jobBytes: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  // A 1,048,576-row XLSX of seven columns inflates to ~340 MB (its sheet ~307 MB, its shared strings ~30 MB).
  maxInflatedBytes: 1024 * 1024 * 1024,
  // Such a sheet compresses ~10 to 1; deflate's most is ~1,032 to 1, which only crafted files reach.
  maxInflateRatio: 200,
  maxSharedStringsBytes: 64 * 1024 * 1024,
  // Excel's own limits: rows of a sheet (the header is one more) and characters of a cell.
  maxRows: 1_048_576,
  maxCellChars: 32_767,
  // A 100,000-row XLSX is ~5 MB, such a CSV ~10 MB: answered within a request's time; larger, a job.
  jobBytes: 16 * 1024 * 1024,
};

export function importLimitsOf(env: Partial<ServiceEnv> | undefined): ImportLimits {
  return {
    maxInflatedBytes: env?.IMPORT_MAX_INFLATED_BYTES ?? DEFAULT_IMPORT_LIMITS.maxInflatedBytes,
    maxInflateRatio: env?.IMPORT_MAX_INFLATE_RATIO ?? DEFAULT_IMPORT_LIMITS.maxInflateRatio,
    maxSharedStringsBytes: env?.IMPORT_MAX_SHARED_STRINGS_BYTES ?? DEFAULT_IMPORT_LIMITS.maxSharedStringsBytes,
    maxRows: env?.IMPORT_MAX_ROWS ?? DEFAULT_IMPORT_LIMITS.maxRows,
    maxCellChars: env?.IMPORT_MAX_CELL_CHARS ?? DEFAULT_IMPORT_LIMITS.maxCellChars,
    jobBytes: env?.IMPORT_JOB_BYTES ?? DEFAULT_IMPORT_LIMITS.jobBytes,
  };
}

/** The file passes one of the limits: the import fails whole, with 400 and this code, and writes nothing. */
export class FileLimitError extends Error {
  constructor(
    readonly code: 'file_too_large' | 'too_many_rows' | 'cell_too_large',
    message: string,
  ) {
    super(message);
  }
}

/** The longest CSV record csv-parse may buffer: a row of 32 cells of the longest text, 4 bytes a character. */
export const csvMaxRecordBytes = (limits: ImportLimits) => limits.maxCellChars * 4 * 32;
