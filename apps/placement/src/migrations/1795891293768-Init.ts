import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TRIGGER_DOWN, OUTBOX_TRIGGER_UP } from '@chanjiao/messaging';

export class Init1795891293768 implements MigrationInterface {
  name = 'Init1795891293768';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "routing_key" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_cc0c9e40998e45ecfc5e313429d" UNIQUE ("event_id"), CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished_idx" ON "outbox"  ("id") WHERE published_at IS NULL`);
    // Not derivable from entities: wakes the outbox relays on commit (LISTEN/NOTIFY).
    for (const sql of OUTBOX_TRIGGER_UP) await queryRunner.query(sql);
    await queryRunner.query(`CREATE TABLE "destination_versions" ("institution" text NOT NULL, "student_id" text NOT NULL, "version" integer NOT NULL, "graduation_year" integer NOT NULL, "program_code" text NOT NULL, "category" text NOT NULL, "detail" text, "employer_partner_id" text, "employer_name" text, "region" text, "sector" text, "effective_date" date NOT NULL, "verified" boolean NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f6039f8129e8bc6cd1a4d0276d0" PRIMARY KEY ("institution", "student_id", "version"))`);
    await queryRunner.query(`CREATE TABLE "internships" ("institution" text NOT NULL, "internship_id" text NOT NULL, "student_id" text NOT NULL, "kind" text NOT NULL, "employer_partner_id" text, "employer_name" text, "region" text NOT NULL, "start_date" date NOT NULL, "end_date" date, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_974bc5a8d2126d8fc9f3cd8fdff" PRIMARY KEY ("institution", "internship_id"))`);
    await queryRunner.query(`CREATE INDEX "internships_student_idx" ON "internships"  ("institution", "student_id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."internships_student_idx"`);
    await queryRunner.query(`DROP TABLE "internships"`);
    await queryRunner.query(`DROP TABLE "destination_versions"`);
    for (const sql of OUTBOX_TRIGGER_DOWN) await queryRunner.query(sql);
    await queryRunner.query(`DROP INDEX "public"."outbox_unpublished_idx"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
