import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795889521428 implements MigrationInterface {
  name = 'Init1795889521428';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "event_log" ("id" uuid NOT NULL, "institution" text NOT NULL, "type" text NOT NULL, "subject" text NOT NULL, "sequence" integer NOT NULL, "time" TIMESTAMP WITH TIME ZONE NOT NULL, "event" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d8ccd9b5b44828ea378dd37e691" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "event_log_institution_time_idx" ON "event_log"  ("institution", "time") `);
    await queryRunner.query(`CREATE TABLE "stream_position" ("institution" text NOT NULL, "stream" text NOT NULL, "subject" text NOT NULL, "sequence" integer NOT NULL, CONSTRAINT "PK_c188e3efbcb881917c8b3da931b" PRIMARY KEY ("institution", "stream", "subject"))`);
    await queryRunner.query(`CREATE TABLE "stream_pending" ("institution" text NOT NULL, "stream" text NOT NULL, "subject" text NOT NULL, "sequence" integer NOT NULL, "event" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2ce9d09fd0b71c5a0e3e93d117d" PRIMARY KEY ("institution", "stream", "subject", "sequence"))`);
    await queryRunner.query(`CREATE TABLE "read_model" ("institution" text NOT NULL, "kind" text NOT NULL, "id" text NOT NULL, "state" jsonb NOT NULL, "facts" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3f0c7482d8f59341cb6136983ef" PRIMARY KEY ("institution", "kind", "id"))`);
    await queryRunner.query(`CREATE TABLE "counter" ("institution" text NOT NULL, "metric" text NOT NULL, "dims" jsonb NOT NULL, "day" date NOT NULL, "value" bigint NOT NULL, CONSTRAINT "PK_efdeeef80a7a0cd449710ff735c" PRIMARY KEY ("institution", "metric", "dims", "day"))`);
    await queryRunner.query(`CREATE TABLE "freshness" ("institution" text NOT NULL, "last_event_time" TIMESTAMP WITH TIME ZONE NOT NULL, "last_applied_at" TIMESTAMP WITH TIME ZONE NOT NULL, "events_applied" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_e7dacf58d41a451b6e2fc3c0c49" PRIMARY KEY ("institution"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "freshness"`);
    await queryRunner.query(`DROP TABLE "counter"`);
    await queryRunner.query(`DROP TABLE "read_model"`);
    await queryRunner.query(`DROP TABLE "stream_pending"`);
    await queryRunner.query(`DROP TABLE "stream_position"`);
    await queryRunner.query(`DROP INDEX "public"."event_log_institution_time_idx"`);
    await queryRunner.query(`DROP TABLE "event_log"`);
  }
}
