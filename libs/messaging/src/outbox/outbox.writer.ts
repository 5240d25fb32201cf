import type { CloudEvent } from '@chanjiao/contracts';

const CHUNK = 1000;

/** What the outbox is written through: a TypeORM EntityManager, or any client that returns the rows. */
export interface OutboxQueryable {
  query(sql: string, parameters: unknown[]): Promise<unknown>;
}

/**
 * The statements that append events to the outbox (chunks of 1,000), each returning its new rows' ids: for a
 * caller that sends them together with its COMMIT.
 */
export function outboxStatements(events: readonly CloudEvent[]): Array<[string, unknown[]]> {
  const statements: Array<[string, unknown[]]> = [];
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    // One JSON document parsed once; each payload is stored as the text it was given (a json column).
    statements.push([
      `WITH o AS (
         INSERT INTO outbox (event_id, routing_key, payload)
         SELECT e.id, e.type, e.payload FROM json_to_recordset($1::json) AS e(id uuid, type text, payload json)
         RETURNING id
       )
       INSERT INTO outbox_pending (id) SELECT id FROM o RETURNING id`,
      [JSON.stringify(chunk.map((e) => ({ id: e.id, type: e.type, payload: e })))],
    ]);
  }
  return statements;
}

/**
 * Appends events to the outbox inside the caller's transaction (the one that writes the entity) and
 * returns the new rows' ids, for the relay once the transaction has committed.
 */
export async function appendToOutbox(manager: OutboxQueryable, events: readonly CloudEvent[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [sql, params] of outboxStatements(events)) {
    const rows = (await manager.query(sql, params)) as Array<{ id: string }>;
    for (const r of rows) ids.push(r.id);
  }
  return ids;
}
