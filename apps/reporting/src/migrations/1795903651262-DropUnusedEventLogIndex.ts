import { MigrationInterface, QueryRunner } from 'typeorm';

export class DropUnusedEventLogIndex1795903651262 implements MigrationInterface {
  name = 'DropUnusedEventLogIndex1795903651262';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."event_log_institution_time_idx"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "event_log_institution_time_idx" ON "event_log" USING btree ("institution", "time") `);
  }
}
