import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1764300000000 implements MigrationInterface {
  name = 'ApiKeys1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "api_keys" ("id" text NOT NULL, "secret_hash" text NOT NULL, "role" text NOT NULL, "services" text array NOT NULL, "institution" text NOT NULL, "label" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_api_keys_id" PRIMARY KEY ("id"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "api_keys"`);
  }
}
