import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys bound to a list of institutions (a bureau; `*` for an admin key of all), with an expiry and the time of last
 * use. An admin key could read every institution before: it is bound to `*`, so it still can. `institution` stays
 * (nullable, no longer written) for instances of the previous release during a rolling update: they go on verifying
 * the keys they knew (keys made since have no institution there, which those instances cannot serve); a later migration drops it.
 */
export class KeyInstitutionsExpiry1796570000000 implements MigrationInterface {
  name = 'KeyInstitutionsExpiry1796570000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_keys" ADD "institutions" text array`);
    await q.query(`UPDATE "api_keys" SET "institutions" = CASE WHEN "role" = 'admin' THEN ARRAY['*'] ELSE ARRAY["institution"] END`);
    await q.query(`ALTER TABLE "api_keys" ALTER COLUMN "institutions" SET NOT NULL`);
    await q.query(`ALTER TABLE "api_keys" ALTER COLUMN "institution" DROP NOT NULL`);
    await q.query(`ALTER TABLE "api_keys" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "api_keys" ADD "last_used_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "api_keys" ADD "rotated_from" text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_keys" DROP COLUMN "rotated_from"`);
    await q.query(`ALTER TABLE "api_keys" DROP COLUMN "last_used_at"`);
    await q.query(`ALTER TABLE "api_keys" DROP COLUMN "expires_at"`);
    await q.query(`UPDATE "api_keys" SET "institution" = "institutions"[1] WHERE "institution" IS NULL`);
    await q.query(`ALTER TABLE "api_keys" ALTER COLUMN "institution" SET NOT NULL`);
    await q.query(`ALTER TABLE "api_keys" DROP COLUMN "institutions"`);
  }
}
