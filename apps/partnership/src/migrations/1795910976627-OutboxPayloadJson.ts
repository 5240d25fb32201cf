import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_PAYLOAD_JSON_DOWN, OUTBOX_PAYLOAD_JSON_UP } from '@chanjiao/messaging';

/** Outbox payload as `json` (edited from the generated migration, which dropped the column and its rows). */
export class OutboxPayloadJson1795910976627 implements MigrationInterface {
  name = 'OutboxPayloadJson1795910976627';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const q of OUTBOX_PAYLOAD_JSON_UP) await queryRunner.query(q);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const q of OUTBOX_PAYLOAD_JSON_DOWN) await queryRunner.query(q);
  }
}
