import { createDataSource, runMigrations } from '@chanjiao/persistence';
import { freshDatabase } from '@chanjiao/testing';
import { internProjection, InternState } from '../projection/placement.projections';
import { REPORTING_ENTITIES } from '../reporting.entities';
import { DatedInternshipFacts1795930000000 } from './1795930000000-DatedInternshipFacts';
import { MIGRATIONS } from '.';

/** An intern projected before internship facts were dated is projected again by the migration, counters and all. */
describe('migration DatedInternshipFacts', () => {
  it('dates the facts and counters of interns projected before, and undoes it', async () => {
    const db = await freshDatabase('mig_interns');
    const open = async (migrations: typeof MIGRATIONS) => {
      const ds = createDataSource({ url: db.url, entities: REPORTING_ENTITIES, migrations, poolSize: 2 });
      await ds.initialize();
      return ds;
    };
    const state: InternState = {
      studentId: 'S1',
      known: true,
      internships: {
        I1: { kind: 'post', region: '650102', startDate: '2022-03-01', endDate: null },
        I2: { kind: 'follow', region: '652801', startDate: '2022-09-01', endDate: '2022-12-01' },
      },
    };
    const dated = internProjection({ localRegionPrefix: '6528' }).facts(state);
    const undated = dated.map(({ day: _day, ...f }) => f);
    // The migrations before this one, then up to it (others may follow it).
    const upTo = MIGRATIONS.indexOf(DatedInternshipFacts1795930000000);
    let ds = await open(MIGRATIONS.slice(0, upTo));
    try {
      await runMigrations(ds);
      await ds.query(`INSERT INTO read_model (institution, kind, id, state, facts) VALUES ('T', 'intern', 'S1', $1, $2)`, [
        JSON.stringify(state),
        JSON.stringify(undated),
      ]);
      for (const f of [...undated, { metric: 'intake', dims: { cohortYear: 2021 }, value: 7 }]) {
        await ds.query(`INSERT INTO counter (institution, metric, dims, day, value) VALUES ('T', $1, $2, '-infinity', $3)`, [
          f.metric,
          JSON.stringify(f.dims),
          f.value,
        ]);
      }
      await ds.destroy();
      ds = await open(MIGRATIONS.slice(0, upTo + 1));
      expect((await runMigrations(ds)).length).toBe(1);

      const counters = async () =>
        (
          await ds.query<Array<{ metric: string; dims: unknown; day: string; value: string }>>(
            // A cell emptied by a difference stays as 0, as the consumer leaves it: it adds nothing to any report.
            `SELECT metric, dims, day::text AS day, value::text AS value FROM counter WHERE value <> 0 ORDER BY metric, day, dims::text`,
          )
        ).map((c) => `${c.metric} ${JSON.stringify(c.dims)} ${c.day} ${c.value}`);
      const facts = async () => (await ds.query<Array<{ facts: unknown }>>(`SELECT facts FROM read_model`))[0]!.facts;
      expect(await facts()).toEqual(dated);
      expect(await counters()).toEqual([
        'intake {"cohortYear":2021} -infinity 7',
        'internships.count {"kind":"post","year":2022,"local":false,"completed":false} 2022-03-01 1',
        'internships.count {"kind":"follow","year":2022,"local":true,"completed":true} 2022-09-01 1',
        'internships.local_students {"year":2022} 2022-09-01 1',
        'internships.students {"year":2022} 2022-03-01 1',
        'internships.students_by_kind {"kind":"post","year":2022} 2022-03-01 1',
        'internships.students_by_kind {"kind":"follow","year":2022} 2022-09-01 1',
      ]);

      await ds.undoLastMigration();
      expect(await facts()).toEqual(undated);
      expect((await counters()).filter((c) => c.includes('2022-'))).toEqual([]);
      expect(await counters()).toContain('internships.students {"year":2022} -infinity 1');
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
