import { Client } from 'pg';
import type { CloudEvent } from '@chanjiao/contracts';
import { DeadLetterQueue } from '@chanjiao/messaging';
import { expectEventually, httpClient, HttpClient, publishEvents } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { AllianceEventFactory } from '../../../../test/fixtures/alliance-events';

/**
 * `alliance.activity.held` has a v2 (participantCount always a number); v1 events stay in flight and in the log. Through
 * the real consumer and projections, a stream of v1 then v2 events gives the figures of the same stream all in v2:
 * in order, and reversed one message at a time (so the later event is parked, across transactions, for the earlier).
 * Nothing is dead-lettered, and the log keeps each event at the version it came in.
 */
describe('event versions through the reporting consumer (real RabbitMQ and PostgreSQL)', () => {
  let stack: TestStack;
  let admin: HttpClient;

  /** One alliance; F1 recorded twice (sequence 1, then 2), F2 once with no count given: 4 listed participants. */
  const stream = (institution: string, v1: boolean): CloudEvent[] => {
    const f = new AllianceEventFactory(institution);
    const early = v1 ? f.activityV1.bind(f) : f.activity.bind(f);
    return [
      f.alliance('A1', { foundedOn: '2019-05-20', role: 'chair' }),
      early('A1', 'F1', { participants: ['E1', 'V1'] }),
      f.activity('A1', 'F1', { participants: ['E1', 'V1', '新疆大学'], participantCount: 3 }),
      early('A1', 'F2', { participants: ['E1', 'E2', 'E3', 'E4'], date: '2022-10-20' }),
    ];
  };

  beforeAll(async () => {
    stack = await startStack({ services: ['reporting'], env: { CONSUMER_BATCH_SIZE: '3', CONSUMER_BATCH_WINDOW_MS: '5' } });
    admin = httpClient(stack.urls.reporting!, (await stack.keys.create({ role: 'admin', services: ['*'], institutions: ['*'] })).key);
    await publishEvents(stack.amqpUrl, stack.exchange, stream('LATEST', false));
    await publishEvents(stack.amqpUrl, stack.exchange, stream('MIXED', true));
    for (const e of stream('REVERSED', true).reverse()) await publishEvents(stack.amqpUrl, stack.exchange, [e]);
  });
  afterAll(() => stack?.close());

  const figures = async (institution: string) => {
    const get = async (path: string) => {
      const { institution: _i, asOf: _a, ...rest } = (await admin.get(`${path}&institution=${institution}`)).body;
      return rest;
    };
    const { eventsApplied, eventsParked } = (await admin.get(`/reports/freshness?institution=${institution}`)).body;
    return {
      eventsApplied,
      eventsParked,
      overview: await get('/reports/overview?year=2022&asOf=2022-12-31'),
      alliances: await get('/reports/alliances?year=2022&asOf=2022-12-31'),
    };
  };

  it('v1 then v2 of a stream gives the figures of two v2 events, nothing dead-lettered', async () => {
    const latest = await expectEventually(async () => {
      const f = await figures('LATEST');
      expect(f).toMatchObject({ eventsApplied: 4, eventsParked: 0 });
      return f;
    });
    // F2's participants counted from its list: 4, the largest forum of the year.
    expect(latest.overview.alliances).toMatchObject({ total: 1, led: 1, forumParticipants: 4 });
    for (const institution of ['MIXED', 'REVERSED']) await expectEventually(async () => expect(await figures(institution)).toEqual(latest));

    const dlq = await DeadLetterQueue.open({ url: stack.amqpUrl, queue: stack.queue });
    try {
      expect(await dlq.count()).toBe(0);
    } finally {
      await dlq.close();
    }
  });

  it('the event log keeps each event at the version it came in', async () => {
    const db = new Client({ connectionString: stack.databases.reporting });
    await db.connect();
    try {
      const { rows } = await db.query<{ institution: string; type: string; n: number; body: string }>(
        `SELECT institution, type, count(*)::int AS n, count(*) FILTER (WHERE event->>'type' = type)::int AS body
         FROM event_log WHERE type LIKE 'alliance.activity.%' GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      expect(rows).toEqual([
        { institution: 'LATEST', type: 'alliance.activity.held.v2', n: 3, body: 3 },
        { institution: 'MIXED', type: 'alliance.activity.held.v1', n: 2, body: 2 },
        { institution: 'MIXED', type: 'alliance.activity.held.v2', n: 1, body: 1 },
        { institution: 'REVERSED', type: 'alliance.activity.held.v1', n: 2, body: 2 },
        { institution: 'REVERSED', type: 'alliance.activity.held.v2', n: 1, body: 1 },
      ]);
      const [v1] = (await db.query(`SELECT event FROM event_log WHERE institution = 'MIXED' AND event->'data'->>'activityId' = 'F2'`)).rows;
      expect(v1.event.data.participantCount).toBeNull();
    } finally {
      await db.end();
    }
  });

  it('a rebuild from the log (v1 and v2 as they came) gives the same figures', async () => {
    const before = { LATEST: await figures('LATEST'), MIXED: await figures('MIXED'), REVERSED: await figures('REVERSED') };
    const started = await admin.post('/admin/rebuild', {});
    expect(started.status).toBe(202);
    await expectEventually(async () =>
      expect((await admin.get(`/admin/rebuild/${started.body.id}`)).body).toMatchObject({ state: 'succeeded' }),
    );
    for (const institution of ['LATEST', 'MIXED', 'REVERSED'] as const) expect(await figures(institution)).toEqual(before[institution]);
  });
});
