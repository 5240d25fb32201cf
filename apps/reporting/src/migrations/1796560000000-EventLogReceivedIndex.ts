import { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /audit reads the event log newest first, a page at a time. */
export class EventLogReceivedIndex1796560000000 implements MigrationInterface {
  name = 'EventLogReceivedIndex1796560000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "event_log_received_idx" ON "event_log" ("received_at", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."event_log_received_idx"`);
  }
}
