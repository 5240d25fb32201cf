import { MigrationInterface, QueryRunner } from 'typeorm';

export class RebuildRun1796700000000 implements MigrationInterface {
  name = 'RebuildRun1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rebuild_run" ("id" uuid NOT NULL, "state" text NOT NULL, "phase" text NOT NULL, "requested_by" text NOT NULL, "events_total" bigint NOT NULL DEFAULT '0', "events_replayed" bigint NOT NULL DEFAULT '0', "events_caught_up" bigint NOT NULL DEFAULT '0', "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "error" text, CONSTRAINT "PK_956fa1300ae8d3f88f1906efa71" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rebuild_run"`);
  }
}
