import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { listQuery, PageBounds, viewMapper } from '@chanjiao/edge';

export class RowError {
  @ApiProperty({ description: 'Spreadsheet row number (the header is row 1)' }) row!: number;
  @ApiProperty({ description: 'Column (API field) at fault' }) column!: string;
  @ApiPropertyOptional({ description: "The column's title as the file writes it (学号, 學號 or studentId)" }) title?: string;
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'The error in Chinese, naming the row and the column title as the file writes it: 第 4 行「层次」：…' })
  message_zh!: string;
  @ApiPropertyOptional({ description: 'Stable error code for domain errors (e.g. enrollment_exists)' }) code?: string;
}

export class ImportRows {
  @ApiProperty({ description: 'Data rows read so far' }) done!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty({ description: 'Rows identical to what is stored (a re-import changes nothing)' }) unchanged!: number;
  @ApiProperty() failed!: number;
}

export class ImportView {
  @ApiProperty() importId!: string;
  @ApiProperty() entity!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: string;
  @ApiProperty() rows!: ImportRows;
  @ApiProperty({ type: [RowError], description: 'Bad rows (the first 1,000); valid rows are written, bad ones are not' })
  errors!: RowError[];
  @ApiPropertyOptional({ description: 'Why the whole file failed' }) message?: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}

/** The value of each bad cell is kept for the error report (GET /imports/{id}/errors), not shown in the view. */
const toRowErrorView = viewMapper(RowError, ['row', 'column', 'title', 'message', 'message_zh', 'code']);
const toImportRowsView = viewMapper(ImportRows, ['done', 'created', 'updated', 'unchanged', 'failed']);

export const toImportView = viewMapper(
  ImportView,
  ['importId', 'entity', 'status', 'rows', 'errors', 'message', 'startedAt', 'finishedAt'],
  {
    rows: toImportRowsView,
    errors: toRowErrorView,
  },
);

/** `GET /imports?limit=&cursor=`: the names and shape of every list's paging (paging.ts), with its own bounds. */
export const IMPORTS_PAGE: PageBounds = { default: 50, max: 500 };

export class ImportPageQuery extends listQuery(IMPORTS_PAGE) {}
