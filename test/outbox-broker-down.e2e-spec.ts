import { Client } from 'pg';
import { expectEventually, TcpProxy, testServiceUrls } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

/**
 * RabbitMQ unreachable from the enrollment service (through a proxy we cut) while a write is made:
 * the write succeeds, the event waits in the outbox, and is published once the broker is back.
 */
describe('outbox: writes while RabbitMQ is unreachable', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  let db: Client;

  beforeAll(async () => {
    const amqp = new URL(testServiceUrls().amqpUrl);
    proxy = await new TcpProxy(amqp.hostname, Number(amqp.port || 5672)).start();
    stack = await startStack({ services: ['enrollment', 'reporting'], envFor: { enrollment: { AMQP_URL: proxy.url(amqp.toString()) } } });
    db = new Client({ connectionString: stack.databases.enrollment });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
    await proxy?.stop();
  });

  const unpublished = async () => Number((await db.query(`SELECT count(*) AS n FROM outbox_pending`)).rows[0].n);
  const intake = async () => (await stack.reporting.get('/reports/overview?year=2022')).body.intake.total as number;

  it('the write succeeds, and its event is published once the broker is back', async () => {
    await stack.enrollment.put('/programs/P1', {
      name: 'P1',
      category: '46',
      level: 'higher_vocational',
      sectors: ['mining'],
      status: 'open',
    });
    await expectEventually(async () => expect(await unpublished()).toBe(0));

    await proxy.cut();
    // Still ready (its database is): the outage is a detail of /health, and the outbox holds the events.
    await expectEventually(async () =>
      expect(await stack.enrollment.get('/health')).toMatchObject({
        status: 200,
        body: { status: 'broker_down', checks: { broker: 'down' } },
      }),
    );
    const res = await stack.enrollment.post('/enrollments', {
      studentId: 'S1',
      programCode: 'P1',
      cohortYear: 2022,
      level: 'higher_vocational',
      pathway: 'regular',
    });
    expect(res.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await unpublished()).toBe(1);
    expect(await intake()).toBe(0);

    await proxy.restore();
    await expectEventually(async () => expect(await intake()).toBe(1), { timeoutMs: 30_000 });
    expect(await unpublished()).toBe(0);
  });
});
