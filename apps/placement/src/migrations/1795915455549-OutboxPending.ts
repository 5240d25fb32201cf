import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_PENDING_DOWN, OUTBOX_PENDING_UP } from '@chanjiao/messaging';

/** Unpublished outbox rows listed in outbox_pending (edited from the generated migration: it keeps what was pending). */
export class OutboxPending1795915455549 implements MigrationInterface {
  name = 'OutboxPending1795915455549';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const q of OUTBOX_PENDING_UP) await queryRunner.query(q);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const q of OUTBOX_PENDING_DOWN) await queryRunner.query(q);
  }
}
