import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TRIGGER_DOWN, OUTBOX_TRIGGER_UP } from '@chanjiao/messaging';

export class Init1795891486226 implements MigrationInterface {
  name = 'Init1795891486226';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "routing_key" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_cc0c9e40998e45ecfc5e313429d" UNIQUE ("event_id"), CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished_idx" ON "outbox"  ("id") WHERE published_at IS NULL`);
    // Not derivable from entities: wakes the outbox relays on commit (LISTEN/NOTIFY).
    for (const sql of OUTBOX_TRIGGER_UP) await queryRunner.query(sql);
    await queryRunner.query(`CREATE TABLE "agreements" ("institution" text NOT NULL, "agreement_id" text NOT NULL, "partner_ids" text array NOT NULL, "kind" text NOT NULL, "forms" text array NOT NULL, "program_codes" text array NOT NULL, "sectors" text array NOT NULL, "signed_on" date NOT NULL, "effective_from" date, "expires_on" date, "status" text NOT NULL, "terminated_on" date, "termination_reason" text, "expired_on" date, "renewals" jsonb NOT NULL DEFAULT '[]', "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ef2cc965bc596b9ee565887da05" PRIMARY KEY ("institution", "agreement_id"))`);
    await queryRunner.query(`CREATE INDEX "agreements_due_idx" ON "agreements"  ("expires_on") WHERE status = 'active'`);
    await queryRunner.query(`CREATE TABLE "certificate_pilots" ("institution" text NOT NULL, "pilot_id" text NOT NULL, "certificate" text NOT NULL, "level" text, "partner_id" text NOT NULL, "program_codes" text array NOT NULL, "launched_on" date NOT NULL, "results" jsonb NOT NULL DEFAULT '[]', "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_14099abb8ee34e42385e46543d6" PRIMARY KEY ("institution", "pilot_id"))`);
    await queryRunner.query(`CREATE TABLE "industry_colleges" ("institution" text NOT NULL, "college_id" text NOT NULL, "name" text NOT NULL, "partner_ids" text array NOT NULL, "program_codes" text array NOT NULL, "founded_on" date NOT NULL, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b7a6b3eaf12d3ae3fd3525bd0ae" PRIMARY KEY ("institution", "college_id"))`);
    await queryRunner.query(`CREATE TABLE "order_classes" ("institution" text NOT NULL, "order_class_id" text NOT NULL, "partner_id" text NOT NULL, "program_code" text NOT NULL, "cohort_year" integer NOT NULL, "students" integer NOT NULL, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2f09ede42b69930d1d5ef0e8cb6" PRIMARY KEY ("institution", "order_class_id"))`);
    await queryRunner.query(`CREATE TABLE "partners" ("institution" text NOT NULL, "partner_id" text NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "credit_code" text, "sector" text NOT NULL, "region" text, "iei_level" text NOT NULL, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5570e684c72e66b1caf8efacf9d" PRIMARY KEY ("institution", "partner_id"))`);
    await queryRunner.query(`CREATE TABLE "training_bases" ("institution" text NOT NULL, "base_id" text NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "sector" text, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_57ae245ffa05f7ad040084ed70e" PRIMARY KEY ("institution", "base_id"))`);
    await queryRunner.query(`CREATE TABLE "training_base_investments" ("institution" text NOT NULL, "base_id" text NOT NULL, "investment_id" text NOT NULL, "amount" numeric(15,2) NOT NULL, "source" text NOT NULL, "date" date NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4e529d308c17fcdcfd5bd58a976" PRIMARY KEY ("institution", "base_id", "investment_id"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "training_base_investments"`);
    await queryRunner.query(`DROP TABLE "training_bases"`);
    await queryRunner.query(`DROP TABLE "partners"`);
    await queryRunner.query(`DROP TABLE "order_classes"`);
    await queryRunner.query(`DROP TABLE "industry_colleges"`);
    await queryRunner.query(`DROP TABLE "certificate_pilots"`);
    await queryRunner.query(`DROP INDEX "public"."agreements_due_idx"`);
    await queryRunner.query(`DROP TABLE "agreements"`);
    for (const sql of OUTBOX_TRIGGER_DOWN) await queryRunner.query(sql);
    await queryRunner.query(`DROP INDEX "public"."outbox_unpublished_idx"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
