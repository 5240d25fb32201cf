import { Client } from 'pg';
import { allPages, HttpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

const alliance = { name: '巴州现代纺织职教联盟', scope: 'industry', sector: 'textiles', foundedOn: '2019-05-20', role: 'chair' };
const member = (memberId: string, patch: Record<string, unknown> = {}) => ({
  memberId,
  memberKind: 'enterprise',
  role: 'member',
  joinedOn: '2020-01-10',
  ...patch,
});

describe('alliance write API (real PostgreSQL)', () => {
  let stack: TestStack;
  let api: HttpClient;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack({ services: ['alliance'] });
    api = stack.api('alliance');
    db = new Client({ connectionString: stack.databases.alliance });
    await db.connect();
    expect((await api.put('/alliances/A1', alliance)).status).toBe(201);
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const counts = async () => {
    const { rows } = await db.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM alliances) AS a, (SELECT count(*) FROM alliance_members) AS m,
        (SELECT count(*) FROM alliance_charters) AS ch, (SELECT count(*) FROM alliance_contributions) AS c,
        (SELECT count(*) FROM alliance_activities) AS ac, (SELECT count(*) FROM outbox) AS o`,
    );
    return rows[0];
  };
  const events = async (subject: string) => {
    const { rows } = await db.query(`SELECT payload FROM outbox WHERE payload->>'subject' = $1 ORDER BY id`, [subject]);
    return rows.map((r) => ({ type: r.payload.type, sequence: r.payload.sequence, data: r.payload.data }));
  };

  describe('bad input gets 400 naming the field and writes nothing', () => {
    const cases: Array<[string, string, string, unknown, string]> = [
      ['alliance: wrong scope', 'PUT', '/alliances/B1', { ...alliance, scope: 'global' }, 'scope'],
      ['alliance: blank name', 'PUT', '/alliances/B1', { ...alliance, name: ' \t ' }, 'name'],
      ['alliance: wrong role', 'PUT', '/alliances/B1', { ...alliance, role: 'president' }, 'role'],
      ['alliance: missing foundedOn', 'PUT', '/alliances/B1', { ...alliance, foundedOn: undefined }, 'foundedOn'],
      ['alliance: bad id in path', 'PUT', '/alliances/B%201', alliance, 'allianceId'],
      ['member: wrong kind', 'POST', '/alliances/A1/members', member('X1', { memberKind: 'person' }), 'memberKind'],
      ['member: impossible date', 'POST', '/alliances/A1/members', member('X1', { joinedOn: '2022-02-30' }), 'joinedOn'],
      ['member: unknown field', 'POST', '/alliances/A1/members', member('X1', { contactName: '李四' }), 'contactName'],
      ['charter: version not an integer', 'POST', '/alliances/A1/charters', { version: '2', adoptedOn: '2022-01-01' }, 'version'],
      ['charter: version 0', 'POST', '/alliances/A1/charters', { version: 0, adoptedOn: '2022-01-01' }, 'version'],
      [
        'contribution: funds without amount',
        'POST',
        '/alliances/A1/contributions',
        { contributionId: 'X', memberId: 'E1', kind: 'funds', date: '2022-01-01' },
        'amount',
      ],
      [
        'contribution: float amount',
        'POST',
        '/alliances/A1/contributions',
        { contributionId: 'X', memberId: 'E1', kind: 'funds', amount: 100.5, date: '2022-01-01' },
        'amount',
      ],
      [
        'contribution: three fraction digits',
        'POST',
        '/alliances/A1/contributions',
        { contributionId: 'X', memberId: 'E1', kind: 'equipment', amount: '1.005', date: '2022-01-01' },
        'amount',
      ],
      [
        'activity: count below the listed participants',
        'POST',
        '/alliances/A1/activities',
        {
          activityId: 'X',
          kind: 'forum',
          title: 'F',
          date: '2022-01-01',
          online: false,
          participants: ['a', 'b', 'c'],
          participantCount: 2,
        },
        'participantCount',
      ],
      [
        'activity: wrong kind',
        'POST',
        '/alliances/A1/activities',
        { activityId: 'X', kind: 'party', title: 'F', date: '2022-01-01', online: false },
        'kind',
      ],
      [
        'activity: online not a boolean',
        'POST',
        '/alliances/A1/activities',
        { activityId: 'X', kind: 'forum', title: 'F', date: '2022-01-01', online: 'yes' },
        'online',
      ],
    ];
    it.each(cases)('%s', async (_label, method, path, body, field) => {
      const before = await counts();
      const res = method === 'PUT' ? await api.put(path, body) : await api.post(path, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await counts()).toEqual(before);
    });

    it('one bad item fails the whole batch, naming its index and field', async () => {
      const before = await counts();
      const res = await api.post('/alliances/members:batch', [
        { allianceId: 'A1', ...member('Y1') },
        { allianceId: 'A1', ...member('Y2', { role: 'boss' }) },
      ]);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: '[1].role' })]);
      expect(await counts()).toEqual(before);
    });

    it('an unknown alliance is 404; a join before the founding day 400', async () => {
      const before = await counts();
      const res = await api.post('/alliances/NOPE/members', member('X1'));
      expect(res).toMatchObject({ status: 404, body: { error: 'alliance_not_found' } });
      const early = await api.post('/alliances/A1/members', member('X1', { joinedOn: '2019-01-01' }));
      expect(early).toMatchObject({ status: 400, body: { error: 'join_before_founding', errors: [{ field: 'joinedOn' }] } });
      expect(await counts()).toEqual(before);
    });

    it('a charter or an activity before the founding day 400; a founding moved past the first record 409', async () => {
      expect((await api.put('/alliances/F1', alliance)).status).toBe(201);
      expect((await api.post('/alliances/F1/members', member('FM1', { joinedOn: '2020-03-01' }))).status).toBe(201);
      const before = await counts();
      const charter = await api.post('/alliances/F1/charters', { version: 1, adoptedOn: '1950-01-01' });
      expect(charter).toMatchObject({ status: 400, body: { error: 'date_before_founding', errors: [{ field: 'adoptedOn' }] } });
      const activity = await api.post('/alliances/F1/activities', {
        activityId: 'FA1',
        kind: 'forum',
        title: '论坛',
        date: '1950-01-01',
        online: false,
      });
      expect(activity).toMatchObject({ status: 400, body: { error: 'date_before_founding', errors: [{ field: 'date' }] } });
      const moved = await api.put('/alliances/F1', { ...alliance, foundedOn: '2023-05-20' });
      expect(moved).toMatchObject({ status: 409, body: { error: 'founding_after_records', errors: [{ field: 'foundedOn' }] } });
      expect(moved.body.message).toContain('2020-03-01');
      expect(await counts()).toEqual(before);
      // Up to the first record it may move: the member joined on 2020-03-01.
      expect(await api.put('/alliances/F1', { ...alliance, foundedOn: '2020-03-01' })).toMatchObject({ status: 200, body: { version: 2 } });
    });

    it('ids too long together for an event subject', async () => {
      const long = 'L'.repeat(64);
      expect((await api.put(`/alliances/${long}`, alliance)).status).toBe(201);
      const res = await api.post(`/alliances/${long}/members`, member('M'.repeat(64)));
      expect(res).toMatchObject({ status: 400, body: { error: 'id_too_long', errors: [{ field: 'memberId' }] } });
    });
  });

  describe('alliances', () => {
    it('PUT creates (201), repeats (200 no-op), updates with the next sequence', async () => {
      expect((await api.put('/alliances/A2', { ...alliance, role: 'member' })).status).toBe(201);
      expect((await api.put('/alliances/A2', { ...alliance, role: 'member' })).status).toBe(200);
      const updated = await api.put('/alliances/A2', { ...alliance, role: 'secretary_general' });
      expect(updated).toMatchObject({ status: 200, body: { version: 2, role: 'secretary_general', sector: 'textiles' } });
      expect((await events('A2')).map((e) => [e.type, e.sequence])).toEqual([
        ['alliance.alliance.registered.v1', 1],
        ['alliance.alliance.updated.v1', 2],
      ]);
      const batch = await api.post('/alliances:batch', [
        { allianceId: 'A3', ...alliance, scope: 'regional' },
        { allianceId: 'A2', ...alliance, role: 'secretary_general' },
      ]);
      expect(batch.body.summary).toEqual({ created: 1, updated: 0, unchanged: 1, failed: 0 });
      expect((await api.get('/alliances/A3')).body).toMatchObject({ scope: 'regional', version: 1 });
    });
  });

  describe('members', () => {
    it('join, repeat, join twice (409), role change, leave, leave twice (409), re-join, replay: one event per change', async () => {
      expect((await api.post('/alliances/A1/members', member('E1'))).status).toBe(201);
      expect((await api.post('/alliances/A1/members', member('E1'))).status).toBe(200);
      const twice = await api.post('/alliances/A1/members', member('E1', { role: 'council' }));
      expect(twice).toMatchObject({ status: 409, body: { error: 'member_already_active', errors: [{ field: 'memberId' }] } });
      const role = await api.post('/alliances/A1/members/E1/role', { role: 'council', date: '2021-03-01' });
      expect(role).toMatchObject({ status: 200, body: { role: 'council', version: 2 } });
      expect((await api.post('/alliances/A1/members/E1/role', { role: 'council', date: '2021-03-01' })).status).toBe(200);
      const early = await api.post('/alliances/A1/members/E1/departure', { date: '2021-01-01' });
      expect(early).toMatchObject({ status: 409, body: { error: 'date_before_last_change' } });
      expect((await api.post('/alliances/A1/members/E1/departure', { date: '2021-06-30' })).status).toBe(200);
      expect((await api.post('/alliances/A1/members/E1/departure', { date: '2021-06-30' })).status).toBe(200);
      const leaveTwice = await api.post('/alliances/A1/members/E1/departure', { date: '2021-07-30' });
      expect(leaveTwice).toMatchObject({ status: 409, body: { error: 'member_not_active' } });
      const overlap = await api.post('/alliances/A1/members', member('E1', { joinedOn: '2021-06-01' }));
      expect(overlap).toMatchObject({ status: 409, body: { error: 'join_overlaps_membership' } });
      const back = await api.post('/alliances/A1/members', member('E1', { joinedOn: '2022-09-01' }));
      expect(back).toMatchObject({ status: 200, body: { status: 'active', version: 4, joinedOn: '2022-09-01' } });
      // Replaying the history is a no-op.
      expect((await api.post('/alliances/A1/members', member('E1'))).status).toBe(200);
      expect((await api.post('/alliances/A1/members/E1/departure', { date: '2021-06-30' })).status).toBe(200);
      expect((await events('A1/E1')).map((e) => [e.type, e.sequence])).toEqual([
        ['alliance.member.joined.v1', 1],
        ['alliance.member.role_changed.v1', 2],
        ['alliance.member.departed.v1', 3],
        ['alliance.member.joined.v1', 4],
      ]);
      const view = await api.get('/alliances/A1/members/E1');
      expect(view.body.periods).toEqual([
        {
          memberKind: 'enterprise',
          role: 'member',
          joinedOn: '2020-01-10',
          roleChanges: [{ date: '2021-03-01', role: 'council' }],
          departedOn: '2021-06-30',
        },
        { memberKind: 'enterprise', role: 'member', joinedOn: '2022-09-01', roleChanges: [], departedOn: null },
      ]);
      expect((await api.post('/alliances/A1/members/NOPE/departure', { date: '2022-01-01' })).status).toBe(404);
    });

    it('batches answer per item, in order', async () => {
      const res = await api.post('/alliances/members:batch', [
        { allianceId: 'A1', ...member('B1') },
        { allianceId: 'A1', ...member('B1') },
        { allianceId: 'NOPE', ...member('B2') },
        { allianceId: 'A1', ...member('B1', { role: 'chair' }) },
      ]);
      expect(res.body.results.map((r: { status: string; httpStatus: number }) => [r.status, r.httpStatus])).toEqual([
        ['created', 201],
        ['unchanged', 200],
        ['failed', 404],
        ['failed', 409],
      ]);
      const departures = await api.post('/alliances/members/departure:batch', [
        { allianceId: 'A1', memberId: 'B1', date: '2022-01-01' },
        { allianceId: 'A1', memberId: 'B1', date: '2022-02-01' },
      ]);
      expect(departures.body.results.map((r: { status: string }) => r.status)).toEqual(['updated', 'failed']);
      const roles = await api.post('/alliances/members/role:batch', [
        { allianceId: 'A1', memberId: 'E1', role: 'vice_chair', date: '2022-10-01' },
      ]);
      expect(roles.body.summary).toMatchObject({ updated: 1 });
    });

    it('concurrent identical joins create one membership and one event', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => api.post('/alliances/A1/members', member('C1'))));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(await events('A1/C1')).toHaveLength(1);
    });
  });

  describe('charters', () => {
    it('versions must increase; repeats are no-ops; each charter is the next sequence of the alliance', async () => {
      expect((await api.post('/alliances/A1/charters', { version: 1, adoptedOn: '2019-05-20', summary: '章程' })).status).toBe(201);
      expect((await api.post('/alliances/A1/charters', { version: 1, adoptedOn: '2019-05-20', summary: '章程' })).status).toBe(200);
      const reused = await api.post('/alliances/A1/charters', { version: 1, adoptedOn: '2019-06-20' });
      expect(reused).toMatchObject({ status: 409, body: { error: 'charter_version_exists', errors: [{ field: 'version' }] } });
      expect((await api.post('/alliances/A1/charters', { version: 3, adoptedOn: '2022-04-18' })).status).toBe(201);
      const lower = await api.post('/alliances/A1/charters', { version: 2, adoptedOn: '2022-05-01' });
      expect(lower).toMatchObject({ status: 409, body: { error: 'charter_version_not_increasing' } });
      const batch = await api.post('/alliances/charters:batch', [
        { allianceId: 'A1', version: 4, adoptedOn: '2023-01-01' },
        { allianceId: 'A1', version: 5, adoptedOn: '2023-02-01' },
      ]);
      expect(batch.body.summary).toMatchObject({ created: 2 });
      expect((await events('A1')).filter((e) => e.type === 'alliance.charter.adopted.v1').map((e) => [e.data.version, e.sequence])).toEqual(
        [
          [1, 1],
          [3, 2],
          [4, 3],
          [5, 4],
        ],
      );
      const { rows } = await db.query(`SELECT payload FROM outbox WHERE routing_key = 'alliance.charter.adopted.v1'`);
      expect(JSON.stringify(rows)).not.toContain('章程'); // the summary is not published
    });
  });

  describe('contributions and activities', () => {
    beforeAll(async () => {
      await api.post('/alliances/A1/members', member('G1', { memberKind: 'government', joinedOn: '2021-01-01' }));
      await api.post('/alliances/A1/members/G1/departure', { date: '2022-01-01' });
    });

    it('a contribution needs a member on its date; repeat 200; other content 409; amounts exact', async () => {
      const c = {
        contributionId: 'K1',
        memberId: 'G1',
        kind: 'funds',
        amount: '100000.5',
        description: '王主任 arranged it',
        date: '2021-06-01',
      };
      const created = await api.post('/alliances/A1/contributions', c);
      expect(created).toMatchObject({ status: 201, body: { amount: '100000.50' } });
      expect((await api.post('/alliances/A1/contributions', { ...c, amount: '100000.50' })).status).toBe(200);
      const other = await api.post('/alliances/A1/contributions', { ...c, amount: '1.00' });
      expect(other).toMatchObject({ status: 409, body: { error: 'contribution_exists' } });
      const gone = await api.post('/alliances/A1/contributions', { ...c, contributionId: 'K2', date: '2022-03-01' });
      expect(gone).toMatchObject({ status: 409, body: { error: 'member_not_current', errors: [{ field: 'memberId' }] } });
      const stranger = await api.post('/alliances/A1/contributions', { ...c, contributionId: 'K3', memberId: 'ZZ' });
      expect(stranger).toMatchObject({ status: 400, body: { error: 'unknown_member', errors: [{ field: 'memberId' }] } });
      const [event] = await events('A1/K1');
      expect(event).toMatchObject({ type: 'alliance.contribution.recorded.v1', sequence: 1 });
      expect(event!.data).toEqual({
        allianceId: 'A1',
        contributionId: 'K1',
        memberId: 'G1',
        kind: 'funds',
        amount: '100000.50',
        date: '2021-06-01',
      });
      const batch = await api.post('/alliances/contributions:batch', [
        { allianceId: 'A1', contributionId: 'K4', memberId: 'G1', kind: 'talent', date: '2021-07-01' },
        { allianceId: 'A1', contributionId: 'K5', memberId: 'G1', kind: 'equipment', amount: '9999999999999.99', date: '2021-07-01' },
      ]);
      expect(batch.body.summary).toMatchObject({ created: 2, failed: 0 });
      const list = await api.get('/alliances/A1/contributions');
      expect(list.body.items.map((x: { amount: string | null }) => x.amount)).toEqual(['100000.50', null, '9999999999999.99']);
    });

    it('activities: recorded once, participants distinct', async () => {
      const a = {
        activityId: 'F1',
        kind: 'forum',
        title: '产教融合论坛',
        date: '2022-09-16',
        online: false,
        participants: ['E1', 'E1', '新疆大学'],
      };
      const created = await api.post('/alliances/A1/activities', a);
      expect(created).toMatchObject({ status: 201, body: { participants: ['E1', '新疆大学'], participantCount: null } });
      expect((await api.post('/alliances/A1/activities', a)).status).toBe(200);
      const other = await api.post('/alliances/A1/activities', { ...a, participantCount: 40 });
      expect(other).toMatchObject({ status: 409, body: { error: 'activity_exists' } });
      const batch = await api.post('/alliances/activities:batch', [
        { allianceId: 'A1', activityId: 'T1', kind: 'training', title: 'T', date: '2022-04-01', online: true, participantCount: 15 },
      ]);
      expect(batch.body.summary).toMatchObject({ created: 1 });
      // The view keeps the count as given (none); the event (v2) carries the number of participating bodies.
      expect(await events('A1/F1')).toEqual([
        {
          type: 'alliance.activity.held.v2',
          sequence: 1,
          data: expect.objectContaining({ participants: ['E1', '新疆大学'], participantCount: 2 }),
        },
      ]);
    });
  });

  it('every list pages ({ items, nextCursor }), each row once, in key order, as the database holds them', async () => {
    const lists: Array<[string, string, string]> = [
      ['/alliances', `SELECT alliance_id AS k FROM alliances ORDER BY 1`, 'allianceId'],
      ['/alliances/A1/members', `SELECT member_id AS k FROM alliance_members WHERE alliance_id = 'A1' ORDER BY 1`, 'memberId'],
      ['/alliances/A1/charters', `SELECT version AS k FROM alliance_charters WHERE alliance_id = 'A1' ORDER BY 1`, 'version'],
      [
        '/alliances/A1/contributions',
        `SELECT contribution_id AS k FROM alliance_contributions WHERE alliance_id = 'A1' ORDER BY 1`,
        'contributionId',
      ],
      ['/alliances/A1/activities', `SELECT activity_id AS k FROM alliance_activities WHERE alliance_id = 'A1' ORDER BY 1`, 'activityId'],
    ];
    for (const [path, sql, key] of lists) {
      const expected = (await db.query<{ k: string | number }>(sql)).rows.map((r) => r.k);
      expect(expected.length).toBeGreaterThan(1);
      const { items, pages } = await allPages<Record<string, string | number>>(api, path, 1);
      expect({ path, keys: items.map((i) => i[key]) }).toEqual({ path, keys: expected });
      expect(pages).toBe(expected.length);
    }
    expect((await api.get('/alliances/A1/members?limit=1001')).body.errors[0].field).toBe('limit');
    expect((await api.get('/alliances/A1/charters?cursor=WyJ4Il0')).body).toMatchObject({ error: 'invalid_cursor' }); // ["x"]: not a version
  });

  it('serves OpenAPI with the alliance routes', async () => {
    const doc = await api.get('/docs/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/alliances/{allianceId}',
        '/alliances/{allianceId}/members',
        '/alliances/{allianceId}/members/{memberId}/departure',
        '/alliances/{allianceId}/charters',
        '/alliances/{allianceId}/contributions',
        '/alliances/{allianceId}/activities',
      ]),
    );
  });
  it('concurrent single joins, merged into shared transactions, each carry their own request trace into their event', async () => {
    const holder = new Client({ connectionString: stack.databases.alliance });
    await holder.connect();
    await holder.query('BEGIN; LOCK TABLE alliance_members IN EXCLUSIVE MODE'); // the first batches wait, the rest queue
    const joins = Array.from({ length: 12 }, (_, i) =>
      fetch(`${stack.urls.alliance}/alliances/A1/members`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.writerKey}`,
          'content-type': 'application/json',
          traceparent: `00-${`c${i}`.padStart(32, '0')}-${'2'.repeat(16)}-01`,
        },
        body: JSON.stringify(member(`TR${i}`)),
      }).then((r) => r.status),
    );
    await new Promise((r) => setTimeout(r, 300));
    await holder.query('COMMIT');
    await holder.end();
    expect(await Promise.all(joins)).toEqual(Array(12).fill(201));
    const { rows } = await db.query<{ subject: string; traceparent: string }>(
      `SELECT payload->>'subject' AS subject, payload->>'traceparent' AS traceparent FROM outbox WHERE payload->>'subject' LIKE 'A1/TR%'`,
    );
    expect(rows).toHaveLength(12);
    for (const r of rows) expect(r.traceparent.slice(3, 35)).toBe(`c${r.subject.slice('A1/TR'.length)}`.padStart(32, '0'));
    const tx = await db.query<{ n: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS n FROM alliance_members WHERE member_id LIKE 'TR%'`,
    );
    expect(tx.rows[0]!.n).toBeLessThan(12);
  });
});
