import { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportJobsPerInstitution1796555202622 implements MigrationInterface {
  name = 'ImportJobsPerInstitution1796555202622';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD "owner" text`);
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP CONSTRAINT "PK_4d206c602f173f98e4bb85819a3"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD CONSTRAINT "PK_2b83b236a58260734c15b724d10" PRIMARY KEY ("institution", "id")`);
    await queryRunner.query(`CREATE INDEX "import_jobs_recent" ON "import_jobs"  ("institution", "started_at", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."import_jobs_recent"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP CONSTRAINT "PK_2b83b236a58260734c15b724d10"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD CONSTRAINT "PK_4d206c602f173f98e4bb85819a3" PRIMARY KEY ("id")`);
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP COLUMN "heartbeat_at"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP COLUMN "owner"`);
  }
}
