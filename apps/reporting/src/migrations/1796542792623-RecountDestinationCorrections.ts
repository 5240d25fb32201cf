import { MigrationInterface, QueryRunner } from 'typeorm';
import { localRegionPrefixOf } from '../config';
import { graduateProjection } from '../projection/placement.projections';
import { recomputeFacts } from '../projection/recompute-facts';

/**
 * The destination in force on D is now the most recently recorded version effective on or before D (DESIGN.md §5);
 * it was the version with the latest effective date, so a correction recorded with an earlier date than a version
 * before it left that version in force. Graduates whose versions were recorded out of date order keep facts (and
 * counters) counted the old way until an event touches them, which may never come: this recounts every graduate
 * with a graduation and two versions or more (with one, both rules agree) from its stored state. Data only, and
 * no going back to the old counts on down.
 *
 * What is local depends on LOCAL_REGION_PREFIX (fixed per deployment): if graduates' stored facts were counted with
 * another prefix than the one this runs with (`npm run migrate` from a shell without the service's setting), it
 * stops instead of recounting them with the wrong one.
 */
export class RecountDestinationCorrections1796542792623 implements MigrationInterface {
  name = 'RecountDestinationCorrections1796542792623';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const localRegionPrefix = localRegionPrefixOf();
    const [other] = (await queryRunner.query(
      `SELECT m.institution, m.id, f->'dims'->>'region' AS region FROM read_model m CROSS JOIN LATERAL jsonb_array_elements(m.facts) AS f
       WHERE m.kind = 'graduate' AND f->>'metric' = 'graduates.by_region' AND f->'dims'->>'region' IS NOT NULL
         AND (f->'dims'->>'local')::boolean IS DISTINCT FROM starts_with(f->'dims'->>'region', $1)
       LIMIT 1`,
      [localRegionPrefix],
    )) as Array<{ institution: string; id: string; region: string }>;
    if (other) {
      throw new Error(
        `LOCAL_REGION_PREFIX is ${localRegionPrefix} here, but reporting counted graduates with another (region ${other.region} of ` +
          `${other.institution}/${other.id}): run the migration with the LOCAL_REGION_PREFIX the reporting service has`,
      );
    }
    await recomputeFacts(
      queryRunner,
      'graduate',
      graduateProjection({ localRegionPrefix }),
      `jsonb_typeof(state->'graduation') = 'object' AND jsonb_array_length(state->'versions') > 1`,
    );
  }

  public async down(): Promise<void> {
    // The old counts were wrong: nothing to restore.
  }
}
