import { allianceDataSet, forumParticipants, loadAlliance } from '../scripts/demo/alliance-data';
import { seeded } from '../scripts/demo/random';
import type { DemoContext, DemoService } from '../scripts/demo/run-demo';
import { startStack, TestStack } from '@chanjiao/test-support';

const SEED = 20220620;
const AS_OF = '2023-06-20';
const cents = (amount: string) => BigInt(amount.replace('.', ''));
const yuan = (c: bigint) => `${c / 100n}.${(c % 100n).toString().padStart(2, '0')}`;

/** The alliance secretariat's demo data, loaded over HTTP and file imports, read back from the reports. */
describe('demo: the alliance secretariat', () => {
  let stack: TestStack;
  const log: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ services: ['alliance', 'reporting'] });
  });
  afterAll(() => stack?.close());

  /** A minimal DemoContext on the stack (same behaviour as run-demo.ts: any failed item throws). */
  const context = (): DemoContext => {
    const call = async (service: DemoService, method: string, path: string, body?: unknown, contentType = 'application/json') => {
      const url = stack.urls[service as keyof typeof stack.urls];
      if (!url) throw new Error(`${service} is not running in this stack`);
      const res = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${service === 'reporting' ? stack.readerKey : stack.writerKey}`,
          ...(body !== undefined ? { 'content-type': contentType } : {}),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const json = (await res.json().catch(() => undefined)) as any;
      if (res.status >= 400) throw new Error(`${method} ${service}${path}: ${res.status} ${JSON.stringify(json)?.slice(0, 500)}`);
      return json;
    };
    return {
      rnd: seeded(SEED),
      call,
      async batch(service, path, items, _label, size = 2000) {
        for (let i = 0; i < items.length; i += size) {
          const res = await call(service, 'POST', path, items.slice(i, i + size));
          if (res.summary.failed > 0) throw new Error(`${path}: ${JSON.stringify(res.results.find((r: any) => r.status === 'failed'))}`);
        }
      },
      async importCsv(service, entity, rows) {
        const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
        const cell = (v: unknown) => {
          const s = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(';') : String(v);
          return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        };
        const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n');
        const res = await call(service, 'POST', `/imports/${entity}`, csv, 'text/csv');
        if (res.rows.failed > 0) throw new Error(`import ${entity}: ${JSON.stringify(res.errors[0])}`);
        if (res.rows.created + res.rows.updated !== rows.length) throw new Error(`import ${entity}: ${JSON.stringify(res.rows)}`);
      },
      log: (line) => log.push(line),
      programs: [],
      intake: [],
      graduates: [],
    };
  };

  /** As run-demo.ts waits: until nothing is queued or parked and the applied count stops moving. */
  const waitForReports = async (ctx: DemoContext) => {
    let last = -1;
    let stable = 0;
    for (let i = 0; i < 240 && stable < 3; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const f = await ctx.call('reporting', 'GET', '/reports/freshness');
      const idle = (f.eventsQueued ?? 0) === 0 && f.eventsParked === 0;
      stable = idle && f.eventsApplied === last ? stable + 1 : 0;
      last = f.eventsApplied;
    }
    return last;
  };

  it('loads the alliances so that the overview shows 7 alliances, 5 led and a 2022 forum of 40+ bodies', async () => {
    const set = allianceDataSet(seeded(SEED));
    const ctx = context();
    await loadAlliance(ctx);
    expect(log[0]).toMatch(/^alliance: 7 alliances/);

    const events =
      set.alliances.length +
      set.charters.length +
      set.joins.length +
      set.roleChanges.length +
      set.departures.length +
      set.rejoins.length +
      set.contributions.length +
      set.activities.length +
      1;
    expect(await waitForReports(ctx)).toBe(events);

    const overview = await ctx.call('reporting', 'GET', `/reports/overview?year=2022&asOf=${AS_OF}`);
    const members = set.joins.length - set.departures.length + set.rejoins.length;
    expect(overview.alliances).toEqual({ total: 7, led: 5, members, forumParticipants: forumParticipants(set) });
    expect(overview.alliances.forumParticipants).toBeGreaterThanOrEqual(40);
    // Before the newest alliance was founded (2020-10-16) there were six, four of them led.
    const earlier = await ctx.call('reporting', 'GET', `/reports/overview?year=2019&asOf=2020-06-30`);
    expect(earlier.alliances).toMatchObject({ total: 6, led: 4, forumParticipants: 0 });

    const report = await ctx.call('reporting', 'GET', `/reports/alliances?year=2022&asOf=${AS_OF}`);
    expect(report.alliances.map((a: any) => a.allianceId).sort()).toEqual(set.alliances.map((a) => a.allianceId).sort());
    const of2022 = set.contributions.filter((c) => c.date.startsWith('2022'));
    const departures2022 = set.departures.filter((d) => d.date.startsWith('2022')).length;
    const joins2022 = [...set.joins, ...set.rejoins].filter((j) => j.joinedOn.startsWith('2022')).length;
    expect(report.totals).toMatchObject({
      alliances: 7,
      led: 5,
      members: { total: members },
      joins: joins2022,
      departures: departures2022,
      contributions: { count: of2022.length, amount: yuan(of2022.reduce((s, c) => s + (c.amount ? cents(c.amount) : 0n), 0n)) },
      activities: { count: set.activities.filter((a) => a.date.startsWith('2022')).length + 1 },
    });
    for (const kind of ['funds', 'technology', 'talent', 'equipment']) {
      const row = report.totals.contributions.byKind.find((r: any) => r.kind === kind);
      expect(row.count).toBeGreaterThan(0);
    }
    const auto = report.alliances.find((a: any) => a.allianceId === 'XJ-AUTO');
    expect(auto).toMatchObject({ role: 'chair', led: true, name: '新疆汽车职业教育联盟' });
    expect(auto.charterVersion).toBe(Math.max(...set.charters.filter((c) => c.allianceId === 'XJ-AUTO').map((c) => c.version)));
    expect(auto.activities.byKind.find((r: any) => r.kind === 'forum')).toMatchObject({
      maxParticipants: forumParticipants(set),
      distinctParticipants: forumParticipants(set),
    });
    expect(report.alliances.filter((a: any) => !a.led).map((a: any) => a.role)).toEqual(['vice_chair', 'vice_chair']);
  });
});
