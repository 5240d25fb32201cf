import { buildEvent, CloudEvent, DataOf, EventDefinition } from '@chanjiao/contracts';
import { DomainError, ItemResult, actorAt, traceparentAt, WriteContext, WriteOutcome } from '@chanjiao/platform';
import { EntityManager } from 'typeorm';
import { PartnershipErrorCode } from '../partnership.errors';
import { RowTable } from './row-table';

export interface Emit<D extends EventDefinition = EventDefinition> {
  definition: D;
  data: DataOf<D>;
}

/** What a pure decide function answers for one item of a write. */
export type Decision<S> = { ok: true; outcome: WriteOutcome; state: S; emit?: Emit } | { ok: false; error: DomainError };

export const emit = <D extends EventDefinition>(definition: D, data: DataOf<D>): Emit => ({ definition, data }) as Emit;

export const fail = <S>(kind: DomainError['kind'], code: PartnershipErrorCode, message: string, field?: string): Decision<S> => ({
  ok: false,
  error: new DomainError(kind, code, message, field),
});

export const unchanged = <S>(state: S): Decision<S> => ({ ok: true, outcome: 'unchanged', state });

/** Arrays compared as sets are kept sorted and without repeats, in state and in events. */
export const sortedSet = <T extends string>(values: readonly T[] | undefined): T[] => [...new Set(values ?? [])].sort();
export const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Decides every item in order against locked rows (an id repeated in the batch sees the earlier
 * item's effect), then writes the changed rows; returns per-item results and the events to append
 * to the outbox in the same transaction. The event subject is the row id, its sequence the version.
 */
export async function decideAll<S extends { version: number }>(
  m: EntityManager,
  ctx: WriteContext,
  table: RowTable<S>,
  ids: string[],
  decide: (current: S | undefined, index: number) => Decision<S>,
): Promise<{ result: Array<ItemResult<S>>; events: CloudEvent[] }> {
  const current = await table.lockMany(
    m,
    ctx.institution,
    ids.map((id) => [id]),
  );
  const key = (id: string) => JSON.stringify([id]);
  const created = new Map<string, S>();
  const updated = new Map<string, S>();
  const events: CloudEvent[] = [];
  const result = ids.map((id, index): ItemResult<S> => {
    const d = decide(current.get(key(id)), index);
    if (!d.ok) return d;
    if (d.emit) {
      current.set(key(id), d.state);
      // Created then changed within one batch: still one INSERT, of the latest state.
      (created.has(id) || d.outcome === 'created' ? created : updated).set(id, d.state);
      events.push(
        buildEvent(d.emit.definition, {
          institution: ctx.institution,
          subject: id,
          sequence: d.state.version,
          data: d.emit.data,
          traceparent: traceparentAt(ctx, index),
          actor: actorAt(ctx, index),
        }),
      );
    }
    return { ok: true, outcome: d.outcome, value: d.state };
  });
  await table.saveMany(m, ctx.institution, [...created.values()], [...updated.values()]);
  return { result, events };
}
