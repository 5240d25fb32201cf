import { DecidedWrite, DecideItem, decideWrite, WriteContext } from '@chanjiao/write';
import { EntityManager } from 'typeorm';
import { EntityTable } from '@chanjiao/persistence';
import type { DomainError } from '@chanjiao/domain';

/**
 * A write to a table of id-keyed rows: locks the items' rows, decides the items in order (`decideWrite`) and saves
 * the changed rows; the events, under the row id with the version as sequence, go to the outbox with them.
 */
export async function decideAll<S extends { version: number }>(
  m: EntityManager,
  ctx: WriteContext,
  table: EntityTable<S>,
  ids: string[],
  decide: DecideItem<S>,
  /** Items refused before deciding (e.g. naming unknown partners): their error, in place of a decision. */
  refused: ReadonlyArray<DomainError | undefined> = [],
): Promise<DecidedWrite<S>> {
  const current = await table.lockMany(
    m,
    ctx.institution,
    ids.map((id) => [id]),
  );
  // The table keys its rows by their JSON id list; events go under the id itself.
  const write = decideWrite(
    ctx,
    current,
    ids.map((id) => JSON.stringify([id])),
    (current, n) => {
      const error = refused[n];
      return error ? { ok: false, error } : decide(current, n);
    },
    { subject: (_key, _state, index) => ids[index]! },
  );
  await table.saveMany(m, ctx.institution, write.created, write.updated);
  return write;
}
