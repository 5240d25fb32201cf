import type { CloudEvent } from '@chanjiao/contracts';
import { joinJsonTexts, jsonTextsSql } from '@chanjiao/persistence';

const CHUNK = 1000;

/** An outbox row as the relay publishes it: handed over in process after its commit, or read back by a scan. */
export interface OutboxRow {
  id: string;
  eventId: string;
  routingKey: string;
  /** The event's text, exactly as stored (a `json` column keeps it byte for byte). */
  payload: string;
  /** The envelope's attributes the AMQP properties carry. */
  time: string;
  traceparent?: string;
}

export interface OutboxAppend {
  /** Statements for the caller's transaction (chunks of 1,000 events), each answering its new rows' ids. */
  statements: Array<[string, unknown[]]>;
  /** The rows written, from the statements' answers (in order): for the relay, once the transaction has committed. */
  rows(answers: ReadonlyArray<ReadonlyArray<{ id: string; event_id: string }>>): OutboxRow[];
}

/** Appends events to the outbox in the caller's transaction, the one that writes the entity. */
export function appendToOutbox(events: readonly CloudEvent[]): OutboxAppend {
  const payloads = events.map((e) => JSON.stringify(e));
  const statements: Array<[string, unknown[]]> = [];
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    statements.push([
      `WITH o AS (
         INSERT INTO outbox (event_id, routing_key, payload)
         SELECT e.id, e.type, e.payload::json
         FROM ROWS FROM (unnest($1::uuid[]), unnest($2::text[]), ${jsonTextsSql('$3')}) AS e(id, type, payload)
         RETURNING id, event_id
       ), p AS (INSERT INTO outbox_pending (id) SELECT id FROM o)
       SELECT id, event_id FROM o`,
      [chunk.map((e) => e.id), chunk.map((e) => e.type), joinJsonTexts(payloads.slice(i, i + CHUNK))],
    ]);
  }
  return {
    statements,
    rows(answers) {
      // Matched by event id: the order of RETURNING is not one PostgreSQL promises.
      const byEventId = new Map<string, number>();
      events.forEach((e, i) => byEventId.set(e.id, i));
      const rows: OutboxRow[] = [];
      for (const answer of answers) {
        for (const { id, event_id } of answer) {
          const i = byEventId.get(event_id);
          if (i === undefined) throw new Error(`the outbox answered an event it was not given: ${event_id}`);
          const e = events[i]!;
          rows.push({ id, eventId: event_id, routingKey: e.type, payload: payloads[i]!, time: e.time, traceparent: e.traceparent });
        }
      }
      return rows;
    },
  };
}
