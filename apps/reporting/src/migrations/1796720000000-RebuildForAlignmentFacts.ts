import { MigrationInterface, QueryRunner } from 'typeorm';
import { requestRebuild } from '../rebuild/rebuild-request';

/**
 * The alignment report's facts (graduates.employed_by_program, partnerships.enterprises_by_sector) are new: the events
 * already applied get them from a rebuild, which the service starts at boot (not from a hand recount here).
 */
export class RebuildForAlignmentFacts1796720000000 implements MigrationInterface {
  name = 'RebuildForAlignmentFacts1796720000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await requestRebuild(queryRunner, 'migration: the alignment report’s facts / 对接报表的新统计项');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM rebuild_run WHERE state = 'requested' AND requested_by LIKE 'migration: the alignment%'`);
  }
}
