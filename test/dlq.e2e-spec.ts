import { spawnSync } from 'node:child_process';
import amqp from 'amqplib';
import { deadLetterQueueName } from '@chanjiao/messaging';
import { expectEventually, httpClient, HttpClient } from '@chanjiao/testing';
import { ensureBuild, startStack, TestStack } from '@chanjiao/test-support';
import { publishEvents } from '@chanjiao/testing';
import { EnrollmentEventFactory } from './fixtures/enrollment-events';

/**
 * `npm run dlq` (dist/scripts/dlq.js) as an operator runs it: `list` says how many later events of a dead letter's record
 * wait parked behind it in reporting, and replaying the dead letter applies it and them.
 */
describe('npm run dlq: events parked behind a dead letter', () => {
  let stack: TestStack;
  let admin: HttpClient;

  beforeAll(async () => {
    ensureBuild();
    stack = await startStack({ services: ['reporting'] });
    const key = await stack.keys.create({ role: 'admin', services: ['*'], institution: stack.institution });
    admin = httpClient(stack.urls.reporting!, key.key);
  });
  afterAll(() => stack?.close());

  const dlq = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['dist/scripts/dlq.js', ...args], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        AMQP_URL: stack.amqpUrl,
        EVENTS_EXCHANGE: stack.exchange,
        CONSUMER_QUEUE: stack.queue,
        REPORTING_DATABASE_URL: stack.databases.reporting,
      },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const freshness = async () => (await admin.get(`/reports/freshness?institution=${stack.institution}`)).body;

  it('list counts the events parked behind each dead letter; replaying it applies them all', async () => {
    const f = new EnrollmentEventFactory(stack.institution);
    const programs = [f.program('P1'), f.program('P2')];
    const [enrolled, transferred, graduated] = [
      f.enrolled('S1'),
      f.transferred('S1', '2023-03-01', 'P1', 'P2'),
      f.graduated('S1', '2025-06-30', 2025, 'P2'),
    ];
    // The enrollment as a handler rejected it after its retries, its successors published as usual.
    const conn = await amqp.connect(stack.amqpUrl);
    try {
      const ch = await conn.createConfirmChannel();
      ch.sendToQueue(deadLetterQueueName(stack.queue), Buffer.from(JSON.stringify(enrolled)), {
        persistent: true,
        messageId: enrolled.id,
        type: enrolled.type,
        headers: {
          'x-dead-letter-reason': 'handler_failed',
          'x-last-error': 'a fault since fixed',
          'x-original-routing-key': enrolled.type,
        },
      });
      await ch.waitForConfirms();
    } finally {
      await conn.close();
    }
    await publishEvents(stack.amqpUrl, stack.exchange, [...programs, transferred, graduated]);
    await expectEventually(async () => expect(await freshness()).toMatchObject({ eventsApplied: 2, eventsParked: 2 }));

    const list = dlq('list');
    expect(list.code).toBe(0);
    expect(list.out).toContain(`${enrolled.id}  ${enrolled.type}  handler_failed  parked behind: 2  a fault since fixed`);
    expect(list.out).toContain('2 events wait parked behind these dead letters');

    const replay = dlq('replay', enrolled.id.toUpperCase());
    expect(replay.code).toBe(0);
    await expectEventually(async () => expect(await freshness()).toMatchObject({ eventsApplied: 5, eventsParked: 0 }));
    const graduates = await admin.get(`/reports/overview?institution=${stack.institution}&year=2025&asOf=2025-12-31`);
    expect(graduates.body.graduates.total).toBe(1);
    expect(dlq('list').out).toContain('is empty');
  });
});
