import type { CloudEvent } from '@chanjiao/contracts';
import { joinJsonTexts, jsonTextsSql } from '@chanjiao/persistence';

const CHUNK = 1000;

/**
 * The statements that append events to the outbox (chunks of 1,000) in the caller's transaction, the one that
 * writes the entity; each returns its new rows' ids, for the relay once the transaction has committed.
 */
export function outboxStatements(events: readonly CloudEvent[]): Array<[string, unknown[]]> {
  const statements: Array<[string, unknown[]]> = [];
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    // Each payload is stored as the text it was given (a json column), which the relay sends as it is.
    statements.push([
      `WITH o AS (
         INSERT INTO outbox (event_id, routing_key, payload)
         SELECT e.id, e.type, e.payload::json
         FROM ROWS FROM (unnest($1::uuid[]), unnest($2::text[]), ${jsonTextsSql('$3')}) AS e(id, type, payload)
         RETURNING id
       )
       INSERT INTO outbox_pending (id) SELECT id FROM o RETURNING id`,
      [chunk.map((e) => e.id), chunk.map((e) => e.type), joinJsonTexts(chunk.map((e) => JSON.stringify(e)))],
    ]);
  }
  return statements;
}
