import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * event_log keeps events as `json` (as received; never queried inside), sparing PostgreSQL the jsonb
 * conversion on the ingest path. read_model and stream_position leave a fifth of each page free so the
 * consumer's updates stay on the page (HOT: no index entry per update). Edited from the generated
 * migration, which dropped and re-added the column and so would have lost the log.
 */
export class EventLogJsonAndHotUpdates1795910297814 implements MigrationInterface {
  name = 'EventLogJsonAndHotUpdates1795910297814';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "event_log" ALTER COLUMN "event" TYPE json USING "event"::json`);
    await queryRunner.query(`ALTER TABLE "read_model" SET (fillfactor = 80)`);
    await queryRunner.query(`ALTER TABLE "stream_position" SET (fillfactor = 80)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "stream_position" RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE "read_model" RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE "event_log" ALTER COLUMN "event" TYPE jsonb USING "event"::jsonb`);
  }
}
