import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { QueryInteger } from '../validators';

export class RowError {
  @ApiProperty({ description: 'Spreadsheet row number (the header is row 1)' }) row!: number;
  @ApiProperty({ description: 'Column (API field) at fault' }) column!: string;
  @ApiProperty() message!: string;
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

export const IMPORTS_PAGE_DEFAULT = 50;
export const IMPORTS_PAGE_MAX = 500;

/** `GET /imports?limit=&cursor=`: the names and shape of every list's paging (paging.ts), with its own bounds. */
export class ImportPageQuery {
  @ApiPropertyOptional({
    description: `Imports per page, 1 to ${IMPORTS_PAGE_MAX} (default ${IMPORTS_PAGE_DEFAULT})`,
    minimum: 1,
    maximum: IMPORTS_PAGE_MAX,
    default: IMPORTS_PAGE_DEFAULT,
  })
  @IsOptional()
  @QueryInteger()
  @ValidateBy(
    {
      name: 'isImportPageLimit',
      validator: { validate: (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= IMPORTS_PAGE_MAX },
    },
    { message: `limit 须为 1 到 ${IMPORTS_PAGE_MAX} 的整数 / limit must be an integer from 1 to ${IMPORTS_PAGE_MAX}` },
  )
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page, as given (opaque); absent for the first page' })
  @IsOptional()
  @IsString()
  @MaxLength(256, { message: 'cursor 无效 / cursor is not one a page gave' })
  cursor?: string;
}
