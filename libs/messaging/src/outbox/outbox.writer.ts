import type { CloudEvent } from '@chanjiao/contracts';

const CHUNK = 1000;

/**
 * The statements that append events to the outbox (chunks of 1,000) in the caller's transaction, the one that
 * writes the entity; each returns its new rows' ids, for the relay once the transaction has committed.
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
