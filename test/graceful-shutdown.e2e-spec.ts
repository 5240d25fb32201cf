import { Client } from 'pg';
import { expectEventually } from '@chanjiao/testing';
import { PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

/**
 * Closing the enrollment service while a burst of writes is in flight: every write that was
 * answered 2xx reaches the reports exactly once (after a restart, its outbox drains), nothing that
 * failed was half-written, nothing is doubled.
 */
describe('graceful shutdown of a write service under load', () => {
  let stack: TestStack;
  let db: Client;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment', 'reporting'] });
    db = new Client({ connectionString: stack.databases.enrollment });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('every 201 answered before or during shutdown shows in the report exactly once', async () => {
    const program = await stack.enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM);
    expect(program.status).toBeLessThan(300);
    await expectEventually(async () => expect((await stack.reporting.get('/reports/overview?year=2022')).body.programs.open).toBe(1));

    const client = stack.enrollment; // bound to the instance being stopped
    const ids = Array.from({ length: 120 }, (_, i) => `2022${String(i).padStart(4, '0')}`);
    let stopping = false;
    let answered = 0;
    let stopped: Promise<void> | undefined;
    let stopMs = Infinity;
    const outcomes = await Promise.all(
      ids.map(async (studentId, i) => {
        // A burst: requests keep being issued while the shutdown starts.
        await new Promise((r) => setTimeout(r, Math.floor(i / 20) * 15));
        try {
          const res = await client.post('/enrollments', {
            studentId,
            programCode: '460103',
            cohortYear: 2022,
            level: 'higher_vocational',
            pathway: 'regular',
          });
          const duringShutdown = stopping;
          if (++answered === 10) {
            stopping = true;
            const t0 = Date.now();
            stopped = stack.stop('enrollment').then(() => void (stopMs = Date.now() - t0));
          }
          return { studentId, status: res.status, duringShutdown };
        } catch (e) {
          return { studentId, status: 0, duringShutdown: stopping, error: (e as Error).message };
        }
      }),
    );
    await stopped;
    // Sockets of the requests answered during shutdown must not hold it for their keep-alive timeout.
    expect(stopMs).toBeLessThan(10_000);

    const created = outcomes.filter((o) => o.status === 201).map((o) => o.studentId);
    const other = outcomes.filter((o) => o.status !== 201);
    // The shutdown really overlapped the burst: some requests were answered after it began, some refused.
    expect(outcomes.filter((o) => o.status === 201 && o.duringShutdown).length).toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    // A request is either answered 201 or refused (connection error / 5xx); never a client error.
    for (const o of other) expect(o.status === 0 || o.status >= 500).toBe(true);

    await stack.start('enrollment');
    const overview = async () => (await stack.reporting.get('/reports/overview?year=2022')).body;
    await expectEventually(
      async () => {
        expect(Number((await db.query('SELECT count(*) AS n FROM outbox_pending')).rows[0].n)).toBe(0);
        expect((await overview()).intake.total).toBe(created.length);
      },
      { timeoutMs: 20_000 },
    );
    // Exactly the answered writes were committed, each with one event.
    const rows = await db.query<{ subject: string; n: string }>(
      `SELECT payload->>'subject' AS subject, count(*) AS n FROM outbox WHERE routing_key = 'enrollment.student.enrolled.v1' GROUP BY 1`,
    );
    const enrolledSubjects = rows.rows;
    expect(enrolledSubjects.map((r) => r.subject).sort()).toEqual([...created].sort());
    expect(enrolledSubjects.every((r) => r.n === '1')).toBe(true);
    for (const o of other.slice(0, 5)) expect((await stack.enrollment.get(`/enrollments/${o.studentId}`)).status).toBe(404);
    // Settled: nothing arrives late and doubles the figure.
    await new Promise((r) => setTimeout(r, 500));
    expect((await overview()).intake.total).toBe(created.length);
  });
});
