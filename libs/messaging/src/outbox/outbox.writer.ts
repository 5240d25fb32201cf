import type { EntityManager } from 'typeorm';
import type { CloudEvent } from '@chanjiao/contracts';

const CHUNK = 1000;

/** Appends events to the outbox inside the caller's transaction (the one that writes the entity). */
export async function appendToOutbox(manager: EntityManager, events: readonly CloudEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    await manager.query(
      `INSERT INTO outbox (event_id, routing_key, payload)
       SELECT e.id, e.type, e.payload FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, type text, payload jsonb)`,
      [JSON.stringify(chunk.map((e) => ({ id: e.id, type: e.type, payload: e })))],
    );
  }
}
