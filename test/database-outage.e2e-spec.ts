import amqp from 'amqplib';
import { Client } from 'pg';
import { deadLetterQueueName, retryQueueName } from '@chanjiao/messaging';
import { expectEventually, TcpProxy, testServiceUrls } from '@chanjiao/testing';
import { metricSamples, startStack, TestStack } from '@chanjiao/test-support';
import { ConsumerState } from '../apps/reporting/src/events/consumer.state';

/**
 * Reporting's database goes away (its connections cut by a proxy, terminated by an administrator, turned read-only)
 * while events keep coming: the consumer pauses and holds them, nothing goes through the retry queues or into the
 * DLQ, readiness and a metric show the pause, and every event counts once the database answers.
 */
describe('reporting while its database is unavailable', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  let pg: Client;
  let broker: amqp.ChannelModel;
  let student = 0;

  beforeAll(async () => {
    const server = new URL(testServiceUrls().postgresUrl);
    proxy = await new TcpProxy(server.hostname, Number(server.port || 5432)).start();
    stack = await startStack({
      services: ['enrollment', 'reporting'],
      // Short retry tiers: before this was fixed, an outage of a second sent every event into the DLQ.
      env: { CONSUMER_RETRY_DELAYS_MS: '100,200' },
      databaseUrlFor: (service, url) => (service === 'reporting' ? proxy.url(url) : url),
    });
    pg = new Client({ connectionString: testServiceUrls().postgresUrl });
    await pg.connect();
    broker = await amqp.connect(stack.amqpUrl);
    await stack.enrollment.put('/programs/P1', {
      name: 'P1',
      category: '46',
      level: 'higher_vocational',
      sectors: ['mining'],
      status: 'open',
    });
  });
  afterAll(async () => {
    await pg?.query(`ALTER DATABASE "${reportingDatabase()}" RESET default_transaction_read_only`).catch(() => undefined);
    await pg?.end();
    await broker?.close();
    await stack?.close();
    await proxy?.stop();
  });

  const reportingDatabase = () => new URL(stack.databases.reporting!).pathname.slice(1);
  const consumer = () => stack.apps.reporting!.get(ConsumerState).server!;
  const intake = async () => (await stack.reporting.get('/reports/overview?year=2022')).body?.intake?.total as number | undefined;
  const messages = async (queue: string) => {
    const ch = await broker.createChannel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await ch.close();
    }
  };
  const untouchedByRetries = async () => {
    expect(consumer().stats).toMatchObject({ retried: 0, deadLettered: 0 });
    expect(await messages(deadLetterQueueName(stack.queue))).toBe(0);
    for (const tier of [1, 2]) expect(await messages(retryQueueName(stack.queue, tier))).toBe(0);
  };
  const enroll = async (n: number) => {
    const items = Array.from({ length: n }, () => ({
      studentId: `S${++student}`,
      programCode: 'P1',
      cohortYear: 2022,
      level: 'higher_vocational',
      pathway: 'regular',
    }));
    const res = await stack.enrollment.post('/enrollments:batch', items);
    expect(res.status).toBe(200);
  };
  const paused = async (reason: RegExp) => {
    const health = await stack.reporting.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.workers?.consumer).toMatchObject({ status: 'paused', reason: expect.stringMatching(reason) });
    const metrics = await stack.scrape('reporting');
    expect(metricSamples(metrics, 'chanjiao_worker_paused')).toContainEqual({
      labels: expect.objectContaining({ worker: 'consumer' }),
      value: 1,
    });
  };
  const terminateReportingConnections = () =>
    pg.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [
      reportingDatabase(),
    ]);

  it('an outage holds the events it meets; they count once the database is back, none retried or dead-lettered', async () => {
    await expectEventually(async () => expect(await intake()).toBe(0));
    await proxy.cut();
    await enroll(60);
    await expectEventually(() => paused(/ECONNREFUSED|connect|terminated/i), { timeoutMs: 20_000 });
    // Longer than every retry tier together: an event routed as a failure would be in the DLQ by now.
    await new Promise((r) => setTimeout(r, 1500));
    await untouchedByRetries();
    expect(consumer().stats.applied).toBeLessThan(60);

    await proxy.restore();
    await expectEventually(async () => expect(await intake()).toBe(60), { timeoutMs: 30_000 });
    await untouchedByRetries();
    expect((await stack.reporting.get('/health')).status).toBe(200);
    const metrics = await stack.scrape('reporting');
    expect(metricSamples(metrics, 'chanjiao_worker_paused')).toContainEqual({
      labels: expect.objectContaining({ worker: 'consumer' }),
      value: 0,
    });
    expect(
      metricSamples(metrics, 'chanjiao_worker_pauses_total').find((s) => s.labels.worker === 'consumer')?.value,
    ).toBeGreaterThanOrEqual(1);
  });

  it('a database turned read-only, its connections terminated by an administrator, pauses the consumer the same way', async () => {
    await pg.query(`ALTER DATABASE "${reportingDatabase()}" SET default_transaction_read_only = on`);
    await terminateReportingConnections();
    await enroll(20);
    await expectEventually(() => paused(/read-only|terminat/i), { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 1000));
    await untouchedByRetries();

    await pg.query(`ALTER DATABASE "${reportingDatabase()}" RESET default_transaction_read_only`);
    await terminateReportingConnections();
    await expectEventually(async () => expect(await intake()).toBe(80), { timeoutMs: 30_000 });
    await untouchedByRetries();
    await expectEventually(async () => expect((await stack.reporting.get('/health')).status).toBe(200));
  });

  it('a report asked for while the database is away answers 503 with Retry-After, not 500', async () => {
    await proxy.cut();
    try {
      const res = await stack.reporting.get('/reports/overview?year=2022');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toMatchObject({ error: 'database_unavailable' });
    } finally {
      await proxy.restore();
    }
    await expectEventually(async () => expect(await intake()).toBe(80));
  });
});
