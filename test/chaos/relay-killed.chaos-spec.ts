import { WRITE_SERVICES } from '@chanjiao/auth';
import { expectEventually, TcpProxy, testServiceUrls } from '@chanjiao/testing';
import { metricSamples } from '@chanjiao/test-support';
import { chaosScenario } from './scenario';

const broker = new URL(testServiceUrls().amqpUrl);
const proxy = new TcpProxy(broker.hostname, Number(broker.port || 5672));
beforeAll(() => proxy.start());
afterAll(async () => {
  proxy.release();
  await proxy.stop();
});

/**
 * Enrollment's relay killed between publishing and marking: its broker's confirms are held back (a proxy) while a batch
 * of events reaches the broker and reporting; then the process is SIGKILLed, so the rows stay pending. Started again, it
 * publishes them once more, and reporting's inbox drops the copies.
 */
chaosScenario(
  'a relay killed between publishing and marking',
  async ({ sleep, stack, note }) => {
    await sleep(5_000);
    const institution = 'RELAYKILL';
    const { key } = await stack.keys.create({ role: 'writer', services: [...WRITE_SERVICES], institution });
    const reader = (await stack.keys.create({ role: 'admin', services: ['*'], institution })).key;
    const reporting = stack.urls('reporting')[0]!;
    const duplicates = async () =>
      metricSamples(
        await (await fetch(`${reporting}/metrics`, { headers: { authorization: `Bearer ${reader}` } })).text(),
        'chanjiao_consumer_duplicates_total',
      )[0]?.value ?? 0;
    const before = await duplicates();
    proxy.hold();
    try {
      const programs = Array.from({ length: 200 }, (_, i) => ({
        code: `K${String(i).padStart(5, '0')}`,
        name: `程序 ${i}`,
        category: '46',
        level: 'higher_vocational',
        sectors: ['mining'],
        status: 'open',
      }));
      const res = await fetch(`${stack.urls('enrollment')[0]}/programs:batch`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(programs),
      });
      expect(res.status).toBe(200);
      // Published (reporting has them), yet unconfirmed to the relay: still pending in the outbox.
      await expectEventually(
        async () => {
          const f = (await (
            await fetch(`${reporting}/reports/freshness?institution=${institution}`, { headers: { authorization: `Bearer ${reader}` } })
          ).json()) as {
            eventsApplied: number;
          };
          expect(f.eventsApplied).toBe(200);
        },
        { timeoutMs: 30_000 },
      );
      const [pending] = await stack.query<{ n: number }>('enrollment', `SELECT count(*)::int AS n FROM outbox_pending`);
      note('pendingWhenKilled', pending!.n);
      expect(pending!.n).toBeGreaterThanOrEqual(200);
      await stack.kill('enrollment');
    } finally {
      proxy.release();
    }
    await stack.start('enrollment');
    await expectEventually(async () => expect((await duplicates()) - before).toBeGreaterThanOrEqual(200), { timeoutMs: 60_000 });
    note('duplicatesDropped', (await duplicates()) - before);
  },
  () => ({ envFor: { enrollment: { AMQP_URL: proxy.url(broker.toString()) } } }),
);
