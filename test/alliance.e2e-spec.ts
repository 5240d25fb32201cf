import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CloudEvent } from '@chanjiao/contracts';
import { expectEventually, httpClient, HttpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { publishEvents } from '@chanjiao/testing';
import { ALLIANCE_YEAR_FIGURES, AllianceEventFactory, allianceYear } from './fixtures/alliance-events';

/** The write call a department system makes for each event of the fixture. */
function writeCall(e: CloudEvent): { method: 'PUT' | 'POST'; path: string; body: Record<string, unknown> } {
  const d = e.data as Record<string, any>;
  const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
  switch (e.type) {
    case 'alliance.alliance.registered.v1':
    case 'alliance.alliance.updated.v1': {
      const { allianceId, ...body } = d;
      return { method: 'PUT', path: `/alliances/${allianceId}`, body: clean(body) };
    }
    case 'alliance.member.joined.v1': {
      const { allianceId, ...body } = d;
      return { method: 'POST', path: `/alliances/${allianceId}/members`, body };
    }
    case 'alliance.member.role_changed.v1':
      return { method: 'POST', path: `/alliances/${d.allianceId}/members/${d.memberId}/role`, body: { role: d.role, date: d.date } };
    case 'alliance.member.departed.v1':
      return { method: 'POST', path: `/alliances/${d.allianceId}/members/${d.memberId}/departure`, body: { date: d.date } };
    case 'alliance.charter.adopted.v1':
      return { method: 'POST', path: `/alliances/${d.allianceId}/charters`, body: { version: d.version, adoptedOn: d.adoptedOn } };
    case 'alliance.contribution.recorded.v1': {
      const { allianceId, ...body } = d;
      return { method: 'POST', path: `/alliances/${allianceId}/contributions`, body: clean(body) };
    }
    case 'alliance.activity.held.v2': {
      const { allianceId, ...body } = d;
      return { method: 'POST', path: `/alliances/${allianceId}/activities`, body: clean(body) };
    }
    default:
      throw new Error(`no write call for ${e.type}`);
  }
}

/** HTTP writes to the alliance service → outbox → RabbitMQ → reporting → overview and alliance report. */
describe('alliances end to end', () => {
  let stack: TestStack;
  let alliance: HttpClient;
  let admin: HttpClient;
  const F = ALLIANCE_YEAR_FIGURES;

  beforeAll(async () => {
    stack = await startStack({ services: ['alliance', 'reporting'], env: { CONSUMER_BATCH_SIZE: '4', CONSUMER_BATCH_WINDOW_MS: '5' } });
    alliance = stack.api('alliance');
    const key = await stack.keys.create({ role: 'admin', services: ['*'], institutions: ['*'] });
    admin = httpClient(stack.urls.reporting!, key.key);
  });
  afterAll(() => stack?.close());

  const overview = async (institution: string, asOf = '2022-12-31') =>
    (await admin.get(`/reports/overview?institution=${institution}&year=2022&asOf=${asOf}`)).body;
  const report = async (institution: string, asOf = '2022-12-31') => {
    const res = await admin.get(`/reports/alliances?institution=${institution}&year=2022&asOf=${asOf}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const eventsApplied = async (institution: string) =>
    (await admin.get(`/reports/freshness?institution=${institution}`)).body.eventsApplied as number;

  let written = 0;

  it('a year written through the API gives the figures of the definitions', async () => {
    const before = await overview(stack.institution);
    expect(before.alliances).toEqual({ total: 0, led: 0, members: 0, forumParticipants: 0 });
    for (const e of allianceYear(new AllianceEventFactory(stack.institution))) {
      const call = writeCall(e);
      const res = call.method === 'PUT' ? await alliance.put(call.path, call.body) : await alliance.post(call.path, call.body);
      expect([call.path, res.status, res.status < 300]).toEqual([call.path, res.status, true]);
      written++;
    }
    await expectEventually(async () => expect(await eventsApplied(stack.institution)).toBe(written));
    expect((await overview(stack.institution)).alliances).toEqual(F.overview);
    // Before R1 left A2 and before V1 came back / G1 joined A1: 6 and 4 members.
    expect((await overview(stack.institution, '2022-12-30')).alliances.members).toBe(6);
    // The forum of 16 September is not yet in the year's window (1 January to asOf, DESIGN.md §5).
    expect((await overview(stack.institution, '2022-01-31')).alliances).toEqual({ total: 2, led: 2, members: 4, forumParticipants: 0 });

    const r = await report(stack.institution);
    expect(r.alliances.map((a: { allianceId: string }) => a.allianceId)).toEqual(['A1', 'A2', 'A3']);
    const [a1, a2, a3] = r.alliances;
    expect(a1).toMatchObject({
      role: 'chair',
      led: true,
      scope: 'industry',
      sector: 'textiles',
      charterVersion: F.A1.charterVersion,
      joins: F.A1.joins,
      departures: F.A1.departures,
      members: { total: F.A1.members, byRole: expect.objectContaining(F.A1.byRole), byKind: expect.objectContaining(F.A1.byKind) },
      contributions: { count: F.A1.contributions.count, amount: F.A1.contributions.amount },
      activities: { count: F.A1.activities.count, distinctParticipants: F.A1.activities.distinctParticipants },
    });
    expect(a1.members.byRole).toMatchObject({ chair: 0, vice_chair: 0, secretary_general: 0 });
    expect(a1.contributions.byKind).toEqual([
      { kind: 'funds', count: 2, amount: F.A1.contributions.funds.amount },
      { kind: 'technology', count: 0, amount: '0.00' },
      { kind: 'talent', count: 1, amount: '0.00' },
      { kind: 'equipment', count: 1, amount: F.A1.contributions.equipment },
    ]);
    expect(a1.activities.byKind).toEqual([
      { kind: 'forum', count: 1, online: 0, participations: 42, maxParticipants: 42, distinctParticipants: 4 },
      { kind: 'training', count: 1, online: 1, participations: 15, maxParticipants: 15, distinctParticipants: 0 },
      { kind: 'competition', count: 0, online: 0, participations: 0, maxParticipants: 0, distinctParticipants: 0 },
      { kind: 'meeting', count: 0, online: 0, participations: 0, maxParticipants: 0, distinctParticipants: 0 },
    ]);
    expect(a2).toMatchObject({
      role: 'secretary_general',
      charterVersion: null,
      members: { total: F.A2.members },
      joins: F.A2.joins,
      departures: F.A2.departures,
      contributions: { count: 1, amount: '0.00' },
      activities: { distinctParticipants: F.A2.distinctParticipants },
    });
    expect(a3).toMatchObject({ led: false, members: { total: F.A3.members }, joins: F.A3.joins, departures: F.A3.departures });
    expect(r.totals).toMatchObject({
      alliances: 3,
      led: 2,
      members: { total: F.overview.members },
      joins: 3,
      departures: 2,
      contributions: { count: 5, amount: '3600000.75' },
      activities: { count: 3, distinctParticipants: 6 },
    });
    // As of mid-year: charter v2 adopted 2022-04-18, U1 still in A1.
    const mid = await report(stack.institution, '2022-04-17');
    expect(mid.alliances.map((a: { allianceId: string }) => a.allianceId)).toEqual(['A1', 'A2']);
    expect(mid.alliances[0]).toMatchObject({ charterVersion: 1, members: { total: 3, byRole: { member: 1, council: 1, vice_chair: 1 } } });
  });

  it('repeating every write changes nothing and publishes nothing', async () => {
    const db = new Client({ connectionString: stack.databases.alliance });
    await db.connect();
    try {
      const outbox = async () => Number((await db.query(`SELECT count(*) AS n FROM outbox`)).rows[0].n);
      const before = await outbox();
      for (const e of allianceYear(new AllianceEventFactory(stack.institution))) {
        const call = writeCall(e);
        // The first registration of A1 (role member) is an older version: PUT it again would be an update.
        if (e.type === 'alliance.alliance.registered.v1' && (e.data as { role: string }).role === 'member' && e.subject === 'A1') continue;
        const res = call.method === 'PUT' ? await alliance.put(call.path, call.body) : await alliance.post(call.path, call.body);
        expect([call.path, res.status]).toEqual([call.path, 200]);
      }
      expect(await outbox()).toBe(before);
    } finally {
      await db.end();
    }
  });

  it('the same events redelivered with duplicates and in any order give the same figures', async () => {
    const db = new Client({ connectionString: stack.databases.alliance });
    await db.connect();
    const { rows } = await db.query<{ payload: CloudEvent }>(`SELECT payload FROM outbox ORDER BY id`);
    await db.end();
    const strip = ({ institution: _i, asOf: _a, ...rest }: Record<string, unknown>) => rest;
    const clean = { overview: strip(await overview(stack.institution)), report: strip(await report(stack.institution)) };
    // Another institution receives the very same stream (own ids, so the inbox does not drop them), rearranged.
    const copy = (institution: string) => {
      const ids = new Map<string, string>();
      return rows.map(({ payload }) => {
        if (!ids.has(payload.id)) ids.set(payload.id, randomUUID());
        return { ...payload, institution, id: ids.get(payload.id)! };
      });
    };
    let seed = 11;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const shuffled = (events: CloudEvent[]) => {
      const out = [...events, ...events.slice(0, 12), ...events.slice(5, 9)];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    const reversedInstitution = `${stack.institution}R`;
    const shuffledInstitution = `${stack.institution}S`;
    for (const e of copy(reversedInstitution).reverse()) await publishEvents(stack.amqpUrl, stack.exchange, [e]);
    await publishEvents(stack.amqpUrl, stack.exchange, shuffled(copy(shuffledInstitution)));
    for (const institution of [reversedInstitution, shuffledInstitution]) {
      await expectEventually(async () => expect(await eventsApplied(institution)).toBe(rows.length));
      expect({ overview: strip(await overview(institution)), report: strip(await report(institution)) }).toEqual(clean);
    }
    const fresh = await admin.get(`/reports/freshness?institution=${shuffledInstitution}`);
    expect(fresh.body.eventsParked).toBe(0);
  });

  it('bad report queries get 400 naming the parameter', async () => {
    const bad = await stack.reporting.get('/reports/alliances?year=20x2&asOf=2022-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['year', 'asOf']));
    expect((await stack.reporting.get('/reports/alliances?year=2022&institution=OTHER')).status).toBe(403);
  });
});
