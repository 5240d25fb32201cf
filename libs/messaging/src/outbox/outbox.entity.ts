import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: a row is written in the same transaction as the change it announces,
 * and the relay publishes it after commit. Rows are kept after publishing, as the record of what the
 * service announced; what is still to publish is listed in {@link OutboxPendingEntity}.
 */
@Entity({ name: 'outbox' })
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
}

/**
 * Outbox rows not yet published: inserted with them, deleted by the relay once the broker confirmed.
 * Marking the outbox row itself made PostgreSQL copy the whole event (an UPDATE writes a new row
 * version): 800 more bytes of WAL per event and a third more time than inserting and deleting an id here.
 */
@Entity({ name: 'outbox_pending' })
export class OutboxPendingEntity {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;
}

/** The outbox tables every writing service has. */
export const OUTBOX_ENTITIES = [OutboxMessageEntity, OutboxPendingEntity];

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

/** From `published_at` on each row to the `outbox_pending` list, keeping what was not yet published. */
export const OUTBOX_PENDING_UP = [
  `CREATE TABLE "outbox_pending" ("id" bigint NOT NULL, CONSTRAINT "PK_ced81e3c820032884d9db775a22" PRIMARY KEY ("id"))`,
  `INSERT INTO "outbox_pending" ("id") SELECT "id" FROM "outbox" WHERE "published_at" IS NULL`,
  `DROP INDEX "public"."outbox_unpublished_idx"`,
  `ALTER TABLE "outbox" DROP COLUMN "published_at"`,
];
export const OUTBOX_PENDING_DOWN = [
  `ALTER TABLE "outbox" ADD "published_at" TIMESTAMP WITH TIME ZONE`,
  `UPDATE "outbox" SET "published_at" = "created_at" WHERE "id" NOT IN (SELECT "id" FROM "outbox_pending")`,
  `CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("id") WHERE published_at IS NULL`,
  `DROP TABLE "outbox_pending"`,
];
