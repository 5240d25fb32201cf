import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TRIGGER_DOWN, OUTBOX_TRIGGER_UP } from '@chanjiao/messaging';

/**
 * Not derivable from entities: the outbox trigger NOTIFYed on every commit, and commits that carry a
 * NOTIFY take a cluster-wide lock and no longer group, which capped single writes near one fsync each.
 * Writers now wake their own relay in process and NOTIFY only when it is not running (WriteUnitOfWork).
 */
export class OutboxNotifyFromWriters1795893600000 implements MigrationInterface {
  name = 'OutboxNotifyFromWriters1795893600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of OUTBOX_TRIGGER_DOWN) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of OUTBOX_TRIGGER_UP) await queryRunner.query(sql);
  }
}
