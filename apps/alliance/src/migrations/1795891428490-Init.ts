import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TRIGGER_DOWN, OUTBOX_TRIGGER_UP } from '@chanjiao/messaging';

export class Init1795891428490 implements MigrationInterface {
  name = 'Init1795891428490';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "routing_key" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_cc0c9e40998e45ecfc5e313429d" UNIQUE ("event_id"), CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished_idx" ON "outbox"  ("id") WHERE published_at IS NULL`);
    // Not derivable from entities: wakes the outbox relays on commit (LISTEN/NOTIFY).
    for (const sql of OUTBOX_TRIGGER_UP) await queryRunner.query(sql);
    await queryRunner.query(`CREATE TABLE "alliance_activities" ("institution" text NOT NULL, "alliance_id" text NOT NULL, "activity_id" text NOT NULL, "kind" text NOT NULL, "title" text NOT NULL, "date" date NOT NULL, "online" boolean NOT NULL, "participants" jsonb NOT NULL DEFAULT '[]', "participant_count" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a9834f88d74f67f10d4f025c33d" PRIMARY KEY ("institution", "alliance_id", "activity_id"))`);
    await queryRunner.query(`CREATE TABLE "alliances" ("institution" text NOT NULL, "alliance_id" text NOT NULL, "name" text NOT NULL, "scope" text NOT NULL, "sector" text, "founded_on" date NOT NULL, "role" text NOT NULL, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f2ae88a26d98600be8403fc0fb8" PRIMARY KEY ("institution", "alliance_id"))`);
    await queryRunner.query(`CREATE TABLE "alliance_charters" ("institution" text NOT NULL, "alliance_id" text NOT NULL, "version" integer NOT NULL, "adopted_on" date NOT NULL, "summary" text, "sequence" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e8c43d4fb000c473c95fd7fb6cb" PRIMARY KEY ("institution", "alliance_id", "version"))`);
    await queryRunner.query(`CREATE TABLE "alliance_contributions" ("institution" text NOT NULL, "alliance_id" text NOT NULL, "contribution_id" text NOT NULL, "member_id" text NOT NULL, "kind" text NOT NULL, "amount" numeric(15,2), "description" text, "date" date NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1f0baf9fbb2d1f5e05eb7dfea99" PRIMARY KEY ("institution", "alliance_id", "contribution_id"))`);
    await queryRunner.query(`CREATE TABLE "alliance_members" ("institution" text NOT NULL, "alliance_id" text NOT NULL, "member_id" text NOT NULL, "member_kind" text NOT NULL, "role" text NOT NULL, "status" text NOT NULL, "joined_on" date NOT NULL, "departed_on" date, "periods" jsonb NOT NULL, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ce398a9a35d8aa0ab3147aa7638" PRIMARY KEY ("institution", "alliance_id", "member_id"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "alliance_members"`);
    await queryRunner.query(`DROP TABLE "alliance_contributions"`);
    await queryRunner.query(`DROP TABLE "alliance_charters"`);
    await queryRunner.query(`DROP TABLE "alliances"`);
    await queryRunner.query(`DROP TABLE "alliance_activities"`);
    for (const sql of OUTBOX_TRIGGER_DOWN) await queryRunner.query(sql);
    await queryRunner.query(`DROP INDEX "public"."outbox_unpublished_idx"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
