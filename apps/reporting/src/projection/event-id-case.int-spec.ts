import amqp from 'amqplib';
import type { CloudEvent } from '@chanjiao/contracts';
import { DEAD_LETTER_HEADERS, DeadLetterQueue, deadLetterQueueName } from '@chanjiao/messaging';
import { expectEventually } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { publishEvents } from '@chanjiao/testing';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';

const upper = (e: CloudEvent): CloudEvent => Object.assign({}, e, { id: e.id.toUpperCase() });

/**
 * Another publisher's UUIDs may be upper case; PostgreSQL's uuid answers lower case. Ids compare in one form
 * everywhere: the inbox applies such an event once, its successors do not park behind it, and the DLQ tool
 * finds a dead letter by its id typed in either case.
 */
describe('event ids in upper case (real RabbitMQ and PostgreSQL)', () => {
  let stack: TestStack;
  let f: EnrollmentEventFactory;

  beforeAll(async () => {
    stack = await startStack({ services: ['reporting'] });
    f = new EnrollmentEventFactory(stack.institution);
  });
  afterAll(() => stack?.close());

  const progress = async () => {
    const { eventsApplied, eventsParked } = (await stack.reporting.get('/reports/freshness')).body;
    return { eventsApplied, eventsParked };
  };
  const intake = async (asOf: string) => (await stack.reporting.get(`/reports/overview?year=2022&asOf=${asOf}`)).body.intake.total;

  it('an upper-case event and its successor are both applied; the same event again in lower case is a duplicate', async () => {
    const program = f.program('P1');
    const enrolled = upper(f.enrolled('S1'));
    const cancelled = f.cancelled('S1', '2022-09-05');
    await publishEvents(stack.amqpUrl, stack.exchange, [program, enrolled]);
    await publishEvents(stack.amqpUrl, stack.exchange, [cancelled]);
    await expectEventually(async () => expect(await progress()).toEqual({ eventsApplied: 3, eventsParked: 0 }));
    expect([await intake('2022-09-04'), await intake('2022-09-05')]).toEqual([1, 0]);

    // The enrollment again, its id in lower case; a marker behind it says when it has been seen.
    await publishEvents(stack.amqpUrl, stack.exchange, [Object.assign({}, enrolled, { id: enrolled.id.toLowerCase() })]);
    await publishEvents(stack.amqpUrl, stack.exchange, [f.enrolled('S2')]);
    await expectEventually(async () => expect(await progress()).toEqual({ eventsApplied: 4, eventsParked: 0 }));
    expect([await intake('2022-09-04'), await intake('2022-09-05')]).toEqual([2, 1]);
  });

  it('dead letters are shown and replayed by an id typed in either case, and then applied', async () => {
    // An enrollment (upper-case id) and its cancellation (lower case), dead-lettered as the consumer does it.
    const enrolled = upper(f.enrolled('S3'));
    const cancelled = f.cancelled('S3', '2022-09-10');
    const conn = await amqp.connect(stack.amqpUrl);
    try {
      const ch = await conn.createConfirmChannel();
      for (const e of [cancelled, enrolled])
        ch.sendToQueue(deadLetterQueueName(stack.queue), Buffer.from(JSON.stringify(e)), {
          persistent: true,
          messageId: e.id,
          type: e.type,
          contentType: 'application/cloudevents+json',
          headers: { [DEAD_LETTER_HEADERS.reason]: 'handler_failed', [DEAD_LETTER_HEADERS.routingKey]: e.type },
        });
      await ch.waitForConfirms();
      await ch.close();
    } finally {
      await conn.close();
    }
    const before = await progress();
    const dlq = await DeadLetterQueue.open({ url: stack.amqpUrl, queue: stack.queue });
    try {
      expect((await dlq.show(enrolled.id.toLowerCase()))?.messageId).toBe(enrolled.id);
      expect((await dlq.show(cancelled.id.toUpperCase()))?.messageId).toBe(cancelled.id);
      // The cancellation first: it waits for the enrollment, which is replayed by its id in lower case.
      expect(await dlq.replay([cancelled.id.toUpperCase()])).toEqual({ replayed: [cancelled.id], skipped: [], missing: [] });
      await expectEventually(async () => expect(await progress()).toEqual({ eventsApplied: before.eventsApplied, eventsParked: 1 }));
      expect(await dlq.replay([enrolled.id.toLowerCase(), 'A0000000-0000-4000-8000-000000000000'])).toEqual({
        replayed: [enrolled.id],
        skipped: [],
        missing: ['A0000000-0000-4000-8000-000000000000'],
      });
      expect(await dlq.count()).toBe(0);
    } finally {
      await dlq.close();
    }
    await expectEventually(async () => expect(await progress()).toEqual({ eventsApplied: before.eventsApplied + 2, eventsParked: 0 }));
    expect([await intake('2022-09-09'), await intake('2022-09-10')]).toEqual([2, 1]);
  });
});
