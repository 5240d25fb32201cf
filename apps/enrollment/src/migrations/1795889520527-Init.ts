import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TRIGGER_DOWN, OUTBOX_TRIGGER_UP } from '@chanjiao/messaging';

export class Init1795889520527 implements MigrationInterface {
  name = 'Init1795889520527';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "routing_key" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_cc0c9e40998e45ecfc5e313429d" UNIQUE ("event_id"), CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished_idx" ON "outbox"  ("id") WHERE published_at IS NULL`);
    // Not derivable from entities: wakes the outbox relays on commit (LISTEN/NOTIFY).
    for (const sql of OUTBOX_TRIGGER_UP) await queryRunner.query(sql);
    await queryRunner.query(`CREATE TABLE "enrollments" ("institution" text NOT NULL, "student_id" text NOT NULL, "program_code" text NOT NULL, "cohort_year" integer NOT NULL, "level" text NOT NULL, "pathway" text NOT NULL, "partner_institution" text, "order_class_id" text, "apprenticeship" boolean NOT NULL DEFAULT false, "origin_region" text, "status" text NOT NULL, "cancelled_on" date, "withdrawn_on" date, "withdrawal_reason" text, "graduated_on" date, "graduation_year" integer, "transfers" jsonb NOT NULL DEFAULT '[]', "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_46d15458d99e231ef8eac28465e" PRIMARY KEY ("institution", "student_id"))`);
    await queryRunner.query(`CREATE TABLE "programs" ("institution" text NOT NULL, "code" text NOT NULL, "name" text NOT NULL, "category" text NOT NULL, "cluster" text, "level" text NOT NULL, "sectors" text array NOT NULL, "status" text NOT NULL, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2a8e1721200ed14e9af77727d40" PRIMARY KEY ("institution", "code"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "programs"`);
    await queryRunner.query(`DROP TABLE "enrollments"`);
    for (const sql of OUTBOX_TRIGGER_DOWN) await queryRunner.query(sql);
    await queryRunner.query(`DROP INDEX "public"."outbox_unpublished_idx"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
