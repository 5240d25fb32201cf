import { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /reports/explain reads the events of the records it lists by institution and subject. */
export class EventLogSubjectIndex1796710000000 implements MigrationInterface {
  name = 'EventLogSubjectIndex1796710000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "event_log_subject_idx" ON "event_log" ("institution", "subject") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."event_log_subject_idx"`);
  }
}
