import { MigrationInterface, QueryRunner } from 'typeorm';
import { localRegionPrefixOf } from '../config';
import type { Projection } from '../projection/projection';
import { internProjection, InternState } from '../projection/placement.projections';
import { recomputeFacts } from '../projection/recompute-facts';

/**
 * Internship facts carry the day the internship (or the student's first one of the year) starts, so a report
 * as of D counts internships starting from 1 January to D (DESIGN.md §5); they held from the beginning before. Not
 * derivable from entities: every intern read model's facts are projected again from its state, and the counters
 * change by the difference. Down projects them undated again.
 */
export class DatedInternshipFacts1795930000000 implements MigrationInterface {
  name = 'DatedInternshipFacts1795930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await recomputeFacts(queryRunner, 'intern', interns() as Projection<unknown>);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const dated = interns();
    const undated: Projection<InternState> = Object.assign({}, dated, {
      facts: (s: InternState) => dated.facts(s).map(({ day: _day, ...f }) => f),
    });
    await recomputeFacts(queryRunner, 'intern', undated as Projection<unknown>);
  }
}

/** As the reporting service projects them (LOCAL_REGION_PREFIX is a deployment setting). */
const interns = () => internProjection({ localRegionPrefix: localRegionPrefixOf() });
