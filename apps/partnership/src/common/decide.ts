import { buildEvent, CloudEvent } from '@chanjiao/contracts';
import { Decision } from '@chanjiao/domain';
import { ItemResult, actorAt, traceparentAt, WriteContext } from '@chanjiao/platform';
import { EntityManager } from 'typeorm';
import { EntityTable } from '@chanjiao/persistence';

/**
 * Decides every item in order against locked rows (an id repeated in the batch sees the earlier
 * item's effect), then writes the changed rows; returns per-item results and the events to append
 * to the outbox in the same transaction. The event subject is the row id, its sequence the version.
 */
export async function decideAll<S extends { version: number }>(
  m: EntityManager,
  ctx: WriteContext,
  table: EntityTable<S>,
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
