import type { DomainError, WriteOutcome } from '@chanjiao/domain';

/** Outcome of one item of a write, success or domain error. */
export type ItemResult<T> = { ok: true; outcome: WriteOutcome; value: T } | { ok: false; error: DomainError };

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
