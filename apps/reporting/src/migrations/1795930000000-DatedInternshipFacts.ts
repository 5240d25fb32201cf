import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_LOCAL_REGION_PREFIX } from '@chanjiao/contracts';
import type { Fact } from '../projection/projection';
import { internProjection, InternState } from '../projection/placement.projections';

const METRICS = ['internships.count', 'internships.students', 'internships.local_students', 'internships.students_by_kind'];
const PAGE = 1000;

/**
 * Internship facts carry the day the internship (or the student's first one of the year) starts, so a report
 * as of D counts internships starting from 1 January to D (DESIGN.md §5); they held from the beginning before. Not
 * derivable from entities: every intern read model's facts are projected again from its state, and the counters
 * of these metrics (which intern read models alone feed) summed again from the facts.
 */
export class DatedInternshipFacts1795930000000 implements MigrationInterface {
  name = 'DatedInternshipFacts1795930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // As the reporting service projects (a deployment setting, validated where the service boots).
    const projection = internProjection({ localRegionPrefix: process.env.LOCAL_REGION_PREFIX ?? DEFAULT_LOCAL_REGION_PREFIX });
    await rewriteFacts(queryRunner, (state) => projection.facts(state as InternState));
    await sumCounters(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await rewriteFacts(queryRunner, (_state, facts) => facts.map(({ day: _day, ...f }) => f));
    await sumCounters(queryRunner);
  }
}

async function rewriteFacts(queryRunner: QueryRunner, facts: (state: unknown, old: Fact[]) => Fact[]): Promise<void> {
  let after = ['', ''];
  for (;;) {
    const rows: Array<{ institution: string; id: string; state: unknown; facts: Fact[] }> = await queryRunner.query(
      `SELECT institution, id, state, facts FROM read_model WHERE kind = 'intern' AND (institution, id) > ($1, $2)
       ORDER BY institution, id LIMIT ${PAGE}`,
      after,
    );
    if (rows.length === 0) return;
    await queryRunner.query(
      `UPDATE read_model m SET facts = t.facts FROM jsonb_to_recordset($1::jsonb) AS t(institution text, id text, facts jsonb)
       WHERE m.institution = t.institution AND m.kind = 'intern' AND m.id = t.id`,
      [JSON.stringify(rows.map((r) => ({ institution: r.institution, id: r.id, facts: facts(r.state, r.facts) })))],
    );
    const last = rows[rows.length - 1]!;
    after = [last.institution, last.id];
  }
}

async function sumCounters(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DELETE FROM counter WHERE metric = ANY($1::text[])`, [METRICS]);
  await queryRunner.query(
    `INSERT INTO counter (institution, metric, dims, day, value)
     SELECT m.institution, f->>'metric', f->'dims', coalesce((f->>'day')::date, '-infinity'::date), sum((f->>'value')::bigint)
     FROM read_model m CROSS JOIN jsonb_array_elements(m.facts) AS f
     WHERE m.kind = 'intern' AND f->>'metric' = ANY($1::text[])
     GROUP BY 1, 2, 3, 4 HAVING sum((f->>'value')::bigint) <> 0`,
    [METRICS],
  );
}
