import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: a row is written in the same transaction as the change it announces,
 * and the relay publishes it after commit. Rows are kept after publishing, for audit.
 */
@Entity({ name: 'outbox' })
// The relay only ever reads unpublished rows in id order: a partial index keeps that cheap with a long history.
@Index('outbox_unpublished_idx', ['id'], { where: 'published_at IS NULL' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid', unique: true })
  eventId!: string;

  @Column({ name: 'routing_key', type: 'text' })
  routingKey!: string;

  /** `json`, not `jsonb`: the relay sends the text as stored, so PostgreSQL need not convert it either way. */
  @Column({ type: 'json' })
  payload!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}

/**
 * The NOTIFY channel relays LISTEN on. The trigger below woke them on every commit; it is created by
 * each service's first migration and dropped by a later one (commits carrying a NOTIFY do not group),
 * and is kept here for those migrations.
 */
export const OUTBOX_NOTIFY_CHANNEL = 'outbox_pending';
export const OUTBOX_TRIGGER_UP = [
  `CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('${OUTBOX_NOTIFY_CHANNEL}', ''); RETURN NULL; END $$`,
  `CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`,
];
export const OUTBOX_TRIGGER_DOWN = [`DROP TRIGGER IF EXISTS outbox_notify ON outbox`, `DROP FUNCTION IF EXISTS outbox_notify()`];

/** The payload column from `jsonb` to `json`, in every writing service's migration (keeps the rows). */
export const OUTBOX_PAYLOAD_JSON_UP = [`ALTER TABLE "outbox" ALTER COLUMN "payload" TYPE json USING "payload"::json`];
export const OUTBOX_PAYLOAD_JSON_DOWN = [`ALTER TABLE "outbox" ALTER COLUMN "payload" TYPE jsonb USING "payload"::jsonb`];
