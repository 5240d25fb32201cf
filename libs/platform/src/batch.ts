import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError, WriteOutcome } from '@chanjiao/domain';

export type { WriteOutcome };

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

/** Outcome of one item of a write, success or domain error. */
export type ItemResult<T> = { ok: true; outcome: WriteOutcome; value: T } | { ok: false; error: DomainError };

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

/** Caller context of a write: the key's institution and the trace to carry into events. */
export interface WriteContext {
  institution: string;
  traceparent?: string;
  /** Per item, when the items come from different requests (see WriteCoalescer); else `traceparent`. */
  traceparents?: ReadonlyArray<string | undefined>;
  /** Who writes: the id of the request's key (never the key), carried in the events as `actor`. */
  actor?: string;
  /** Per item, when the items come from different requests (see WriteCoalescer); else `actor`. */
  actors?: ReadonlyArray<string | undefined>;
}

/** Who wrote item `index`: the key id of the request it came from. */
export function actorAt(ctx: WriteContext, index: number): string | undefined {
  return ctx.actors?.[index] ?? ctx.actor;
}

/** The trace of the request item `index` came from. */
export function traceparentAt(ctx: WriteContext, index: number): string | undefined {
  return ctx.traceparents?.[index] ?? ctx.traceparent;
}
