import { Client } from 'pg';
import { expectEventually } from '@chanjiao/testing';
import { FIRST_ENROLLMENT, metricSamples, PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

/**
 * A newer version migrates the databases while the running services keep serving (a rolling update): a migration that
 * changes what their prepared statements return must not stop writes, events or reports. PostgreSQL refuses such a
 * statement (`cached plan must not change result type`) on every connection that prepared it until it is parsed again.
 */
describe('a migration under running services', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Each service its own process, as deployed: what one has prepared is its own.
    stack = await startStack({ services: ['enrollment', 'reporting'], processes: true });
  });
  afterAll(() => stack?.close());

  const overview = async () => {
    const res = await stack.reporting.get('/reports/overview?year=2022');
    expect(res.status).toBe(200);
    return res.body;
  };
  const migrate = async (service: 'enrollment' | 'reporting', sql: string) => {
    const client = new Client({ connectionString: stack.databases[service] });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  /** The values of the reporting consumer's counter `name` in `GET /metrics` (one sample). */
  const consumerCounter = async (name: string) => metricSamples(await stack.scrape('reporting'), name).map((s) => s.value);

  it('writes, events and reports go on, nothing retried or dead-lettered', async () => {
    expect((await stack.enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM)).status).toBe(201);
    expect((await stack.enrollment.post('/enrollments', FIRST_ENROLLMENT)).status).toBe(201);
    await expectEventually(async () => expect((await overview()).intake.total).toBe(1));

    // What the writes' outbox insert returns, what the consumer reads of the read models it locks, and what the
    // overview reads of freshness: each now of another type.
    await migrate('enrollment', 'ALTER TABLE outbox ALTER COLUMN event_id TYPE text');
    await migrate(
      'reporting',
      'ALTER TABLE read_model ALTER COLUMN facts TYPE json; ALTER TABLE freshness ALTER COLUMN events_applied TYPE numeric',
    );

    const second = { ...FIRST_ENROLLMENT, studentId: '2022002' };
    expect((await stack.enrollment.post('/enrollments', second)).status).toBe(201);
    // The first student again, now withdrawn: the consumer updates a read model it reads and locks.
    expect((await stack.enrollment.post('/enrollments/2022001/withdrawal', { date: '2022-10-08', reason: 'transfer_out' })).status).toBe(
      200,
    );
    const after = await expectEventually(async () => {
      const o = await overview();
      expect(o.intake.total).toBe(2);
      expect((await stack.reporting.get('/reports/freshness')).body.eventsApplied).toBe(4);
      return o;
    });
    expect(after.programs).toMatchObject({ open: 1 });
    expect(await consumerCounter('chanjiao_consumer_retried_total')).toEqual([0]);
    expect(await consumerCounter('chanjiao_consumer_dead_lettered_total')).toEqual([0]);
  });
});
