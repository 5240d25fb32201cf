import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { CloudEvent } from '@chanjiao/contracts';
import { createDataSource } from '@chanjiao/persistence';
import { expectEventually, httpClient, HttpClient, publishEvents } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';
import { randomCollegeStream, SeededRandom } from '../../../../test/fixtures/random-stream';
import { MIGRATIONS } from '../migrations';
import { ProjectionRegistry } from '../projection/projection.registry';
import { ProjectionUnitOfWork } from '../projection/projection.unit-of-work';
import { REPORTING_ENTITIES } from '../reporting.entities';
import { ProjectionRebuild, RebuildEventError, RebuildProgress, SHADOW_SCHEMA } from './projection-rebuild';

/** Every event once, a tenth of them again, in an order shuffled within windows of `window` events. */
function redelivered(events: CloudEvent[], rnd: SeededRandom, window: number): CloudEvent[] {
  const all = [...events, ...events.filter(() => rnd.chance(0.1))];
  const out: CloudEvent[] = [];
  for (let i = 0; i < all.length; i += window) out.push(...rnd.shuffle(all.slice(i, i + window)));
  return out;
}

/**
 * Rebuilt = maintained: a large random history of two colleges, delivered with duplicates and out of order to the real
 * consumer, gives after a rebuild from the log the very rows (counters, read models, stream positions, parked events)
 * and reports the consumer kept incrementally; events that arrive during the rebuild are caught up; reports read the
 * old tables until the switch; a rebuild that fails leaves them as they were.
 */
describe('rebuilding the projections from the event log (real RabbitMQ and PostgreSQL)', () => {
  let stack: TestStack;
  let admin: HttpClient;
  let db: Client;
  let ds: DataSource;
  let rebuild: ProjectionRebuild;
  const rnd = new SeededRandom(29);
  const streams = { R1: randomCollegeStream('R1', 1, 1500), R2: randomCollegeStream('R2', 2, 400) };
  const late = randomCollegeStream('R3', 3, 100);

  beforeAll(async () => {
    stack = await startStack({ services: ['reporting'], env: { CONSUMER_BATCH_SIZE: '50', CONSUMER_BATCH_WINDOW_MS: '5' } });
    admin = httpClient(stack.urls.reporting!, (await stack.keys.create({ role: 'admin', services: ['*'], institutions: ['*'] })).key);
    db = new Client({ connectionString: stack.databases.reporting });
    await db.connect();
    ds = createDataSource({ url: stack.databases.reporting!, entities: REPORTING_ENTITIES, migrations: MIGRATIONS, poolSize: 2 });
    await ds.initialize();
    rebuild = new ProjectionRebuild(ds, new ProjectionUnitOfWork(ds, new ProjectionRegistry({ localRegionPrefix: '6528' })));
    // R1 shuffled within windows of 200, R2 across the whole stream (most of it parked until its predecessors come).
    await publishEvents(stack.amqpUrl, stack.exchange, redelivered(streams.R1, rnd, 200));
    await publishEvents(stack.amqpUrl, stack.exchange, redelivered(streams.R2, rnd, 1_000_000));
    await applied({ R1: streams.R1.length, R2: streams.R2.length });
  }, 300_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.end();
    await stack?.close();
  });

  async function applied(expected: Record<string, number>): Promise<void> {
    await expectEventually(
      async () => {
        for (const [institution, n] of Object.entries(expected)) {
          const { body } = await admin.get(`/reports/freshness?institution=${institution}`);
          expect({ institution, applied: body.eventsApplied, parked: body.eventsParked }).toEqual({ institution, applied: n, parked: 0 });
        }
      },
      { timeoutMs: 240_000 },
    );
  }

  /** Every row of every projection table (the times of application aside), in one order. */
  async function rows(): Promise<Record<string, unknown[]>> {
    const q = async (sql: string) => (await db.query(sql)).rows;
    return {
      counter: await q(`SELECT institution, metric, dims::text, day::text, value FROM counter WHERE value <> 0 ORDER BY 1, 2, 3, 4`),
      // Facts as a set: their order follows the order the events came in (a partner's agreements), which differs.
      readModel: await q(
        `SELECT institution, kind, id, state::text, (SELECT jsonb_agg(f ORDER BY f::text) FROM jsonb_array_elements(facts) f)::text AS facts
         FROM read_model ORDER BY 1, 2, 3`,
      ),
      positions: await q(`SELECT * FROM stream_position ORDER BY 1, 2, 3`),
      pending: await q(`SELECT institution, stream, subject, sequence FROM stream_pending ORDER BY 1, 2, 3, 4`),
      freshness: await q(`SELECT institution, last_event_time, events_applied FROM freshness ORDER BY 1`),
    };
  }

  async function reports(institution: string): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const path of [
      '/reports/overview?year=2022&asOf=2022-12-31',
      '/reports/overview?year=2023&asOf=2023-08-01',
      '/reports/enrollment?year=2021&asOf=2022-12-31&by=program',
      '/reports/placement?cohort=2023&asOf=2023-12-31&by=category',
      '/reports/partnerships?year=2022&asOf=2022-12-31',
      '/reports/alliances?year=2022&asOf=2022-12-31',
      '/reports/quality-report?year=2022&asOf=2022-12-31',
    ]) {
      const { status, body } = await admin.get(`${path}&institution=${institution}`);
      expect({ path, status }).toEqual({ path, status: 200 });
      const { asOf: _a, ...rest } = body;
      out.push(rest);
    }
    return out;
  }

  it('gives the rows and reports the consumer maintained, catching up with events that arrive meanwhile', async () => {
    const before = { rows: await rows(), R1: await reports('R1'), R2: await reports('R2') };
    expect(before.rows.counter.length).toBeGreaterThan(500);

    // A projection's bug, as it would show: a figure the events do not give. The old tables keep answering with it
    // until the switch; the rebuilt ones have the figure of the events.
    await db.query(`UPDATE counter SET value = value + 1000 WHERE institution = 'R1' AND metric = 'graduates' AND day = (
                      SELECT min(day) FROM counter WHERE institution = 'R1' AND metric = 'graduates')`);
    const wrong = await reports('R1');
    expect(wrong).not.toEqual(before.R1);

    const phases: RebuildProgress[] = [];
    const done = await rebuild.run({
      batchSize: 700,
      onProgress: async (p) => {
        phases.push(p);
        if (p.phase === 'catching_up' && !phases.some((q, i) => q.phase === 'catching_up' && i < phases.length - 1)) {
          // Arrives once the log was replayed: only catching up can bring it in. Meanwhile reports read the old tables.
          await publishEvents(stack.amqpUrl, stack.exchange, redelivered(late, rnd, 50));
          await applied({ R3: late.length });
          expect(await reports('R1')).toEqual(wrong);
        }
      },
    });
    expect(done).toMatchObject({ phase: 'done', eventsTotal: expect.any(Number) });
    expect(done.eventsReplayed).toBeGreaterThanOrEqual(streams.R1.length + streams.R2.length);
    expect(done.eventsCaughtUp).toBeGreaterThanOrEqual(late.length);
    expect(phases.map((p) => p.phase).filter((p, i, all) => all.indexOf(p) === i)).toEqual([
      'preparing',
      'replaying',
      'catching_up',
      'switching',
      'done',
    ]);

    const after = await rows();
    // The live consumer applied R3 itself; rebuilt, R1 and R2 are as the consumer kept them, and R3 as it applied it.
    const only = (r: Record<string, unknown[]>, keep: (institution: string) => boolean) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.filter((row) => keep((row as { institution: string }).institution))]));
    expect(only(after, (i) => i !== 'R3')).toEqual(only(before.rows, () => true));
    expect(only(after, (i) => i === 'R3').counter.length).toBeGreaterThan(10);
    expect(await reports('R1')).toEqual(before.R1);
    expect(await reports('R2')).toEqual(before.R2);
    const { rows: shadow } = await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [SHADOW_SCHEMA]);
    expect(shadow).toEqual([]);

    // The live consumer goes on applying to the rebuilt tables.
    const r3 = await reports('R3');
    const more = new EnrollmentEventFactory('R4');
    await publishEvents(stack.amqpUrl, stack.exchange, [more.program('P1'), more.enrolled('S1', { cohortYear: 2022 })]);
    await applied({ R4: 2 });
    expect((await admin.get('/reports/overview?year=2022&asOf=2022-12-31&institution=R4')).body.intake.total).toBe(1);
    expect(await reports('R3')).toEqual(r3);
  }, 300_000);

  it('a rebuild that fails leaves the live tables as they were, and drops its own', async () => {
    const before = await rows();
    const bad = { ...streams.R1[0]!, id: '00000000-0000-4000-8000-000000000029', subject: 'P9', sequence: 1, data: { code: 'P9' } };
    await db.query(
      `INSERT INTO event_log (id, institution, type, subject, sequence, time, event) VALUES ($1, 'R1', $2, 'P9', 1, now(), $3)`,
      [bad.id, bad.type, JSON.stringify(bad)],
    );
    try {
      await expect(rebuild.run({ batchSize: 500 })).rejects.toThrow(RebuildEventError);
      await expect(rebuild.run({ batchSize: 500 })).rejects.toThrow(bad.id);
      expect(await rows()).toEqual(before);
      const { rows: shadow } = await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [SHADOW_SCHEMA]);
      expect(shadow).toEqual([]);
    } finally {
      await db.query(`DELETE FROM event_log WHERE id = $1`, [bad.id]);
    }
  }, 120_000);

  it('the admin endpoint runs one rebuild at a time and shows its progress', async () => {
    const reader = httpClient(
      stack.urls.reporting!,
      (await stack.keys.create({ role: 'reader', services: ['reporting'], institution: 'R1' })).key,
    );
    expect((await reader.post('/admin/rebuild', {})).status).toBe(403);
    const collegeAdmin = httpClient(
      stack.urls.reporting!,
      (await stack.keys.create({ role: 'admin', services: ['*'], institution: 'R1' })).key,
    );
    const refused = await collegeAdmin.post('/admin/rebuild', {});
    expect(refused).toMatchObject({ status: 403, body: { error: 'rebuild_needs_all_institutions' } });

    const first = await admin.post('/admin/rebuild', {});
    expect(first).toMatchObject({ status: 202, body: { state: 'running', requestedBy: expect.any(String) } });
    const second = await admin.post('/admin/rebuild', {});
    expect(second).toMatchObject({ status: 409, body: { error: 'rebuild_running' } });
    const run = await expectEventually(
      async () => {
        const { body } = await admin.get(`/admin/rebuild/${first.body.id}`);
        expect(body).toMatchObject({ state: 'succeeded', phase: 'done', percent: 100 });
        return body;
      },
      { timeoutMs: 120_000 },
    );
    expect(run.eventsReplayed).toBe(run.eventsTotal);
    expect(run.eventsPerSecond).toBeGreaterThan(0);
    expect((await admin.get('/admin/rebuild')).body.items[0]).toMatchObject({ id: first.body.id, state: 'succeeded' });
    expect(await admin.get('/admin/rebuild/not-a-uuid')).toMatchObject({ status: 400, body: { errors: [{ field: 'id' }] } });
    expect((await admin.get('/admin/rebuild/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  }, 180_000);
});
