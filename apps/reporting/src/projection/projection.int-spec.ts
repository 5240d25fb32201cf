import { CloudEvent } from '@chanjiao/contracts';
import { expectEventually, httpClient } from '@chanjiao/testing';
import { publishEvents, startStack, TestStack } from '@chanjiao/test-support';
import { EnrollmentEventFactory, smallCollegeYear } from '../../../../test/fixtures/enrollment-events';

/**
 * The same year of events delivered cleanly, twice over, in reverse and shuffled with duplicates,
 * to four institutions: every figure must be the same. Small consumer batches make the reordering
 * cross batch (and so transaction) boundaries, through the parked-events table.
 */
describe('reporting projections under redelivery and reordering (real RabbitMQ and PostgreSQL)', () => {
  let stack: TestStack;
  let admin: ReturnType<typeof httpClient>;
  const variants: Record<string, (events: CloudEvent[]) => CloudEvent[]> = {
    CLEAN: (e) => e,
    TWICE: (e) => [...e, ...e],
    REVERSED: (e) => [...e].reverse(),
    SHUFFLED: (e) => {
      let seed = 42;
      const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const out = [...e, ...e.slice(0, 6)];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };

  beforeAll(async () => {
    stack = await startStack({ services: ['reporting'], env: { CONSUMER_BATCH_SIZE: '3', CONSUMER_BATCH_WINDOW_MS: '5' } });
    const key = await stack.keys.create({ role: 'admin', services: ['*'], institution: stack.institution });
    admin = httpClient(stack.urls.reporting!, key.key);
    for (const [name, arrange] of Object.entries(variants)) {
      const events = arrange(smallCollegeYear(new EnrollmentEventFactory(name)));
      // One message at a time for the reversed stream: each lands in its own batch.
      if (name === 'REVERSED') for (const e of events) await publishEvents(stack.amqpUrl, stack.exchange, [e]);
      else await publishEvents(stack.amqpUrl, stack.exchange, events);
    }
  });
  afterAll(() => stack?.close());

  const figures = async (institution: string) => {
    const fresh = await admin.get(`/reports/freshness?institution=${institution}`);
    const overview = await admin.get(`/reports/overview?institution=${institution}&year=2022&asOf=2022-12-31`);
    const early = await admin.get(`/reports/overview?institution=${institution}&year=2022&asOf=2022-09-14`);
    const byProgram = await admin.get(`/reports/enrollment?institution=${institution}&year=2022&asOf=2023-12-31&by=program`);
    const strip = ({ institution: _i, asOf: _a, ...rest }: Record<string, any>) => rest;
    return {
      parked: fresh.body.eventsParked as number,
      applied: fresh.body.eventsApplied,
      overview: strip(overview.body),
      early: strip(early.body),
      byProgram: strip(byProgram.body),
    };
  };

  it('every delivery order and duplication gives the figures of one clean delivery', async () => {
    const clean = await expectEventually(async () => {
      const f = await figures('CLEAN');
      expect(f.applied).toBe(12);
      return f;
    });
    expect(clean.overview).toMatchObject({
      programs: { open: 2, higherVocational: 1, undergraduate: 1, categories: 2, clusters: 1, alignedShare: 0.5 },
      intake: { total: 3, undergraduate: 1, higherVocational: 2, secondary: 0, through23: 1 },
      graduates: { cohort: 2022, total: 1 },
    });
    expect(clean.early.intake.total).toBe(4);
    for (const name of ['TWICE', 'REVERSED', 'SHUFFLED']) {
      await expectEventually(async () => expect(await figures(name)).toEqual(clean));
    }
  });
});
