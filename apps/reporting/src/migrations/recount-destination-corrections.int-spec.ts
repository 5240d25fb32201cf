import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { DestinationVersion } from '@chanjiao/contracts';
import { createDataSource } from '@chanjiao/persistence';
import { freshDatabase } from '@chanjiao/testing';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';
import { PlacementEventFactory } from '../../../../test/fixtures/placement-events';
import { asOfDays, placementByDefinition, randomDestinationHistories } from '../../../../test/fixtures/destination-histories';
import { REPORTING_ENTITIES } from '../reporting.entities';
import { diffCells, Fact } from '../projection/projection';
import { ProjectionRegistry } from '../projection/projection.registry';
import { addToCounters, ProjectionUnitOfWork } from '../projection/projection.unit-of-work';
import { recomputeFacts } from '../projection/recompute-facts';
import { GraduateState, graduateProjection } from '../projection/placement.projections';
import { MIGRATIONS } from './index';
import { RecountDestinationCorrections1796542792623 as Recount } from './1796542792623-RecountDestinationCorrections';

const settings = { localRegionPrefix: '6528' };

/**
 * The facts releases before the fix stored: the version with the latest effective date (the last recorded of a day) in
 * force. That is the new rule applied to the versions numbered again in date order, and facts name no version number.
 */
function factsOfTheOldRule(state: GraduateState): Fact[] {
  const byDate = [...state.versions].sort((a, b) =>
    a.effectiveDate === b.effectiveDate ? a.version - b.version : a.effectiveDate < b.effectiveDate ? -1 : 1,
  );
  const renumbered = byDate.map((v, i): DestinationVersion => Object.assign({}, v, { version: i + 1 }));
  return graduateProjection(settings).facts(Object.assign({}, state, { versions: renumbered }));
}

describe('migration RecountDestinationCorrections (real PostgreSQL)', () => {
  const histories = randomDestinationHistories(9, 60);
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;

  const placementOn = async (day: string) => {
    const rows = (await ds.query(
      `SELECT metric, dims->>'category' AS category, sum(value)::int AS n FROM counter
       WHERE institution = 'MIG' AND metric IN ('graduates.by_category', 'graduates.local_employed') AND day <= $1
       GROUP BY 1, 2 HAVING sum(value) <> 0`,
      [day],
    )) as Array<{ metric: string; category: string | null; n: number }>;
    const byCategory = Object.fromEntries(rows.filter((r) => r.metric === 'graduates.by_category').map((r) => [r.category, r.n]));
    const placed = rows.filter((r) => r.metric === 'graduates.by_category' && r.category !== 'not_placed').reduce((s, r) => s + r.n, 0);
    const localEmployed = rows.find((r) => r.metric === 'graduates.local_employed')?.n ?? 0;
    return { placed, localEmployed, byCategory };
  };
  const everyDay = async () => {
    const out: Array<{ day: string; reported: unknown; expected: unknown }> = [];
    for (const day of asOfDays(histories)) {
      const { placed, localEmployed, byCategory } = placementByDefinition(histories, day);
      out.push({ day, reported: await placementOn(day), expected: { placed, localEmployed, byCategory } });
    }
    return out;
  };
  const upInTransaction = async (migration: Recount) => {
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    try {
      await migration.up(runner);
      await runner.commitTransaction();
    } catch (e) {
      await runner.rollbackTransaction();
      throw e;
    } finally {
      await runner.release();
    }
  };

  /** Turns the graduates' facts and counters into what a release before the fix left behind. */
  const countTheOldWay = async () => {
    const rows = (await ds.query(`SELECT id, state, facts FROM read_model WHERE kind = 'graduate'`)) as Array<{
      id: string;
      state: GraduateState;
      facts: Fact[];
    }>;
    const [counted, stale]: [Fact[], Fact[]] = [[], []];
    for (const r of rows) {
      const old = factsOfTheOldRule(r.state);
      await ds.query(`UPDATE read_model SET facts = $2 WHERE kind = 'graduate' AND id = $1`, [r.id, JSON.stringify(old)]);
      counted.push(...r.facts);
      stale.push(...old);
    }
    const cells = [...diffCells(counted, stale).values()].map((c) => Object.assign({}, c, { institution: 'MIG' }));
    if (cells.length) await ds.query(...addToCounters(cells));
  };

  beforeAll(async () => {
    db = await freshDatabase('recount');
    ds = createDataSource({ url: db.url, entities: REPORTING_ENTITIES, migrations: MIGRATIONS, poolSize: 3 });
    await ds.initialize();
    await ds.runMigrations();
    // What the consumer made of the cohort (with the new rule), then turned into what an older release left behind.
    const e = new EnrollmentEventFactory('MIG');
    const p = new PlacementEventFactory('MIG');
    const events = [
      ...[...histories].flatMap(([id, versions]) => [
        e.enrolled(id, { cohortYear: 2019 }),
        e.graduated(id, '2022-06-30', 2022),
        ...versions.map((v) => p.destination(id, v)),
      ]),
      // Destinations without a graduation count nowhere, before and after.
      p.destination('X1', { effectiveDate: '2022-09-01' }),
      p.destination('X1', { effectiveDate: '2022-07-01', region: '650102' }),
    ];
    const tx = await new ProjectionUnitOfWork(ds, new ProjectionRegistry(settings)).begin(events);
    for (const event of events) tx.project(event);
    await tx.commit();
    await countTheOldWay();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('recounts graduates whose corrections were recorded out of date order, at every date as the definition says; again, nothing', async () => {
    const before = await everyDay();
    expect(before.filter((d) => JSON.stringify(d.reported) !== JSON.stringify(d.expected)).length).toBeGreaterThan(0);

    await upInTransaction(new Recount());
    for (const d of await everyDay()) expect({ day: d.day, ...(d.reported as object) }).toEqual({ day: d.day, ...(d.expected as object) });
    const stored = (await ds.query(`SELECT state, facts FROM read_model WHERE kind = 'graduate'`)) as Array<{ state: GraduateState; facts: Fact[] }>;
    for (const r of stored) expect(diffCells(r.facts, graduateProjection(settings).facts(r.state)).size).toBe(0);

    const counters = await ds.query(`SELECT * FROM counter WHERE value <> 0 ORDER BY institution, metric, dims, day`);
    await upInTransaction(new Recount());
    expect(await ds.query(`SELECT * FROM counter WHERE value <> 0 ORDER BY institution, metric, dims, day`)).toEqual(counters);
  });

  it('recounts page by page: every page, each graduate once', async () => {
    const right = await ds.query(`SELECT * FROM counter WHERE value <> 0 ORDER BY institution, metric, dims, day`);
    await countTheOldWay();
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    const changed = await recomputeFacts(runner, 'graduate', graduateProjection(settings), 'true', 7);
    await runner.commitTransaction();
    await runner.release();
    expect(changed).toBeGreaterThan(7);
    expect(await ds.query(`SELECT * FROM counter WHERE value <> 0 ORDER BY institution, metric, dims, day`)).toEqual(right);
  });

  it('stops, changing nothing, when LOCAL_REGION_PREFIX is not the one the graduates were counted with', async () => {
    const counters = await ds.query(`SELECT * FROM counter WHERE value <> 0 ORDER BY institution, metric, dims, day`);
    const saved = process.env.LOCAL_REGION_PREFIX;
    process.env.LOCAL_REGION_PREFIX = '6501';
    try {
      await expect(upInTransaction(new Recount())).rejects.toThrow(/LOCAL_REGION_PREFIX is 6501 here, but reporting counted graduates with another/);
    } finally {
      if (saved === undefined) delete process.env.LOCAL_REGION_PREFIX;
      else process.env.LOCAL_REGION_PREFIX = saved;
    }
    expect(await ds.query(`SELECT * FROM counter WHERE value <> 0 ORDER BY institution, metric, dims, day`)).toEqual(counters);
  });
});
