import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { WriteOutcome } from '@chanjiao/domain';
import type { ItemResult } from '@chanjiao/write';

export class BatchItemResult {
  @ApiProperty() index!: number;
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged', 'failed'] }) status!: WriteOutcome | 'failed';
  @ApiProperty({ description: 'The status the single-item route would have answered' }) httpStatus!: number;
  @ApiPropertyOptional({ description: 'Stable error code when failed' }) error?: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional() field?: string;
}

export class BatchSummary {
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() failed!: number;
}

export class BatchResultView {
  @ApiProperty({ type: [BatchItemResult] }) results!: BatchItemResult[];
  @ApiProperty() summary!: BatchSummary;
}

const HTTP_OF_KIND = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403 } as const;

export function toBatchResult<T>(items: Array<{ id: string; result: ItemResult<T> }>): BatchResultView {
  const summary: BatchSummary = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const results = items.map(({ id, result }, index): BatchItemResult => {
    if (result.ok) {
      summary[result.outcome]++;
      return { index, id, status: result.outcome, httpStatus: result.outcome === 'created' ? 201 : 200 };
    }
    summary.failed++;
    const e = result.error;
    return Object.assign(
      { index, id, status: 'failed' as const, httpStatus: HTTP_OF_KIND[e.kind], error: e.code, message: e.message },
      e.field ? { field: e.field } : {},
    );
  });
  return { results, summary };
}

/** The single-item form of a write: a domain error is thrown (and mapped by the global filter). */
export function singleResult<T>(result: ItemResult<T>): { outcome: WriteOutcome; value: T } {
  if (!result.ok) throw result.error;
  return result;
}
