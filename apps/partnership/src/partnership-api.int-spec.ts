import { Client } from 'pg';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '@chanjiao/contracts';
import { allPages, expectEventually, HttpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { AgreementExpiryJob } from './agreements/agreement-expiry.job';
import { Clock } from './common/clock';

const code = (first17: string) => first17 + creditCodeCheckChar(first17)!;
const GOOD_CODE = code('91652800MA77ABCD1');
const BAD_CODE = GOOD_CODE.slice(0, 17) + CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(GOOD_CODE[17]!) + 1) % 31];

const partner = (patch: Record<string, unknown> = {}) => ({ name: '巴州某纺织有限公司', kind: 'enterprise', sector: 'textiles', ...patch });
const agreement = (agreementId: string, patch: Record<string, unknown> = {}) => ({
  agreementId,
  partnerIds: ['E1'],
  kind: 'school_enterprise',
  forms: ['order_class'],
  signedOn: '2022-03-01',
  expiresOn: '2099-12-31',
  ...patch,
});

describe('partnership write API (real PostgreSQL)', () => {
  let stack: TestStack;
  let api: HttpClient;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack({ services: ['partnership'], env: { AGREEMENT_EXPIRY_INTERVAL_MS: '300' } });
    api = stack.api('partnership');
    db = new Client({ connectionString: stack.databases.partnership });
    await db.connect();
    expect((await api.put('/partners/E1', partner({ creditCode: GOOD_CODE }))).status).toBe(201);
    expect((await api.put('/partners/E2', partner({ sector: 'mining' }))).status).toBe(201);
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const outboxCount = async () => Number((await db.query(`SELECT count(*) AS n FROM outbox`)).rows[0].n);

  describe('validation: 400 naming the field, nothing written', () => {
    const cases: Array<[string, string, string, unknown, string]> = [
      ['wrong credit code check character', 'PUT', '/partners/P9', partner({ creditCode: BAD_CODE }), 'creditCode'],
      [
        'credit code with a letter outside the alphabet',
        'PUT',
        '/partners/P9',
        partner({ creditCode: 'I' + GOOD_CODE.slice(1) }),
        'creditCode',
      ],
      ['short credit code', 'PUT', '/partners/P9', partner({ creditCode: GOOD_CODE.slice(0, 17) }), 'creditCode'],
      ['wrong partner kind', 'PUT', '/partners/P9', partner({ kind: 'person' }), 'kind'],
      ['wrong agreement kind', 'POST', '/agreements', agreement('V1', { kind: 'friendship' }), 'kind'],
      ['wrong form', 'POST', '/agreements', agreement('V1', { forms: ['lunch'] }), 'forms'],
      ['impossible date', 'POST', '/agreements', agreement('V1', { signedOn: '2022-02-30' }), 'signedOn'],
      [
        'float money',
        'POST',
        '/training-bases/B1/investments',
        { investmentId: 'I9', amount: 12.5, source: 'school', date: '2022-01-01' },
        'amount',
      ],
      [
        'three decimals',
        'POST',
        '/training-bases/B1/investments',
        { investmentId: 'I9', amount: '1.005', source: 'school', date: '2022-01-01' },
        'amount',
      ],
    ];
    it.each(cases)('%s', async (_label, method, path, body, field) => {
      const before = await outboxCount();
      const res = method === 'PUT' ? await api.put(path, body) : await api.post(path, body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await outboxCount()).toBe(before);
    });

    it('unknown partner ids get 400 unknown_partner naming the field and the ids', async () => {
      const before = await outboxCount();
      const a = await api.post('/agreements', agreement('V2', { partnerIds: ['E1', 'NOPE'] }));
      expect(a).toMatchObject({ status: 400, body: { error: 'unknown_partner', errors: [{ field: 'partnerIds' }] } });
      expect(a.body.message).toContain('NOPE');
      const oc = await api.post('/order-classes', {
        orderClassId: 'OCX',
        partnerId: 'NOPE',
        programCode: 'P1',
        cohortYear: 2022,
        students: 3,
      });
      expect(oc).toMatchObject({ status: 400, body: { error: 'unknown_partner', errors: [{ field: 'partnerId' }] } });
      const pilot = await api.post('/certificate-pilots', {
        pilotId: 'XX',
        certificate: 'c',
        partnerId: 'NOPE',
        programCodes: [],
        launchedOn: '2022-01-01',
      });
      expect(pilot).toMatchObject({ status: 400, body: { error: 'unknown_partner' } });
      const college = await api.post('/industry-colleges', { collegeId: 'CX', name: 'n', partnerIds: ['NOPE'], foundedOn: '2022-01-01' });
      expect(college).toMatchObject({ status: 400, body: { error: 'unknown_partner', errors: [{ field: 'partnerIds' }] } });
      expect(await outboxCount()).toBe(before);
    });

    it('dates out of order: expiresOn before signedOn', async () => {
      const res = await api.post('/agreements', agreement('V3', { signedOn: '2022-03-01', expiresOn: '2022-02-01' }));
      expect(res).toMatchObject({ status: 400, body: { error: 'invalid_dates', errors: [{ field: 'expiresOn' }] } });
    });
  });

  describe('idempotent writes', () => {
    it('partner: 201, repeat 200 no-op, change 200 with next version and an updated event', async () => {
      expect((await api.put('/partners/E3', partner())).status).toBe(201);
      expect((await api.put('/partners/E3', partner())).status).toBe(200);
      const changed = await api.put('/partners/E3', partner({ ieiLevel: 'national' }));
      expect(changed).toMatchObject({ status: 200, body: { version: 2, ieiLevel: 'national' } });
      const { rows } = await db.query(
        `SELECT routing_key, payload->>'sequence' AS seq FROM outbox WHERE payload->>'subject' = 'E3' ORDER BY id`,
      );
      expect(rows).toEqual([
        { routing_key: 'partnership.partner.registered.v1', seq: '1' },
        { routing_key: 'partnership.partner.updated.v1', seq: '2' },
      ]);
    });

    it('agreement: repeat (partners in another order) is a no-op, other content 409; termination, renewal and their repeats', async () => {
      expect((await api.post('/agreements', agreement('AG1', { partnerIds: ['E1', 'E2'] }))).status).toBe(201);
      const repeat = await api.post('/agreements', agreement('AG1', { partnerIds: ['E2', 'E1', 'E2'] }));
      expect(repeat).toMatchObject({ status: 200, body: { version: 1, sectors: ['mining', 'textiles'] } });
      expect(await api.post('/agreements', agreement('AG1', { kind: 'university' }))).toMatchObject({
        status: 409,
        body: { error: 'agreement_exists' },
      });
      const renewed = await api.post('/agreements/AG1/renewal', { date: '2023-01-01', expiresOn: '2100-12-31' });
      expect(renewed).toMatchObject({ status: 200, body: { version: 2, expiresOn: '2100-12-31', status: 'active' } });
      expect((await api.post('/agreements/AG1/renewal', { date: '2023-01-01', expiresOn: '2100-12-31' })).body.version).toBe(2);
      expect((await api.post('/agreements', agreement('AG1', { partnerIds: ['E1', 'E2'] }))).status).toBe(200);
      const bad = await api.post('/agreements/AG1/renewal', { date: '2023-02-01', expiresOn: '2100-01-01' });
      expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_dates' } });
      const t = await api.post('/agreements/AG1/termination', { date: '2024-01-01', reason: '企业经营困难 (王某)' });
      expect(t).toMatchObject({ status: 200, body: { status: 'terminated', version: 3 } });
      expect(t.body.terminationReason).toBeUndefined();
      expect((await api.post('/agreements/AG1/termination', { date: '2024-01-01' })).status).toBe(200);
      expect(await api.post('/agreements/AG1/termination', { date: '2024-02-01' })).toMatchObject({
        status: 409,
        body: { error: 'date_conflict' },
      });
      expect(await api.post('/agreements/AG1/renewal', { date: '2024-02-01', expiresOn: '2101-01-01' })).toMatchObject({
        status: 409,
        body: { error: 'invalid_transition' },
      });
      expect((await api.post('/agreements/NOPE/termination', { date: '2024-01-01' })).status).toBe(404);
      const { rows } = await db.query(`SELECT payload FROM outbox WHERE payload->>'subject' = 'AG1' ORDER BY id`);
      expect(rows.map((r) => [r.payload.type, r.payload.sequence])).toEqual([
        ['partnership.agreement.signed.v1', 1],
        ['partnership.agreement.renewed.v1', 2],
        ['partnership.agreement.terminated.v1', 3],
      ]);
      expect(JSON.stringify(rows)).not.toContain('王某'); // the reason is never published
      // Each carries who wrote it: the writer key's id, never the key.
      const writerId = stack.writerKey.split('_')[1];
      expect(rows.map((r) => r.payload.actor)).toEqual([writerId, writerId, writerId]);
      expect(JSON.stringify(rows)).not.toContain(stack.writerKey);
    });

    it('batch: per-item results, good items committed together', async () => {
      const res = await api.post('/agreements:batch', [
        agreement('BA1'),
        agreement('BA2', { partnerIds: ['GHOST'] }),
        agreement('BA1'),
        agreement('BA1', { signedOn: '2022-03-02' }),
      ]);
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { status: string; httpStatus: number }) => [r.status, r.httpStatus])).toEqual([
        ['created', 201],
        ['failed', 400],
        ['unchanged', 200],
        ['failed', 409],
      ]);
      expect(res.body.results[1]).toMatchObject({ error: 'unknown_partner', field: 'partnerIds' });
      expect((await api.get('/agreements/BA1')).status).toBe(200);
      expect((await api.get('/agreements/BA2')).status).toBe(404);
    });

    it('order classes update (students), pilots and results, industry colleges', async () => {
      const oc = { orderClassId: 'OC1', partnerId: 'E1', programCode: 'P1', cohortYear: 2022, students: 40 };
      expect((await api.post('/order-classes', oc)).status).toBe(201);
      expect((await api.post('/order-classes', oc)).status).toBe(200);
      expect(await api.post('/order-classes', { ...oc, students: 42 })).toMatchObject({ status: 200, body: { version: 2, students: 42 } });
      const pilot = { pilotId: 'X1', certificate: '工业机器人', partnerId: 'E1', programCodes: ['P1'], launchedOn: '2022-03-01' };
      expect((await api.post('/certificate-pilots', pilot)).status).toBe(201);
      expect((await api.post('/certificate-pilots', pilot)).status).toBe(200);
      expect((await api.post('/certificate-pilots', { ...pilot, partnerId: 'E2' })).status).toBe(409);
      expect(await api.post('/certificate-pilots/X1/results', { year: 2022, trained: 10, sat: 9, passed: 10 })).toMatchObject({
        status: 400,
        body: { error: 'invalid_results', errors: [{ field: 'passed' }] },
      });
      expect((await api.post('/certificate-pilots/X1/results', { year: 2022, trained: 10, sat: 9, passed: 8 })).body.version).toBe(2);
      expect((await api.post('/certificate-pilots/X1/results', { year: 2022, trained: 10, sat: 9, passed: 8 })).body.version).toBe(2);
      expect((await api.post('/certificate-pilots/NOPE/results', { year: 2022, trained: 1, sat: 1, passed: 1 })).status).toBe(404);
      const college = { collegeId: 'C1', name: '纺织产业学院', partnerIds: ['E1', 'E2'], foundedOn: '2021-09-01' };
      expect((await api.post('/industry-colleges', college)).status).toBe(201);
      expect((await api.post('/industry-colleges', { ...college, partnerIds: ['E2', 'E1'] })).status).toBe(200);
      expect((await api.post('/industry-colleges', { ...college, name: 'x' })).status).toBe(409);
    });

    it('training bases and investments: exact decimal amounts, repeats are no-ops, the base sequence counts investments', async () => {
      expect(
        (await api.post('/training-bases/NOPE/investments', { investmentId: 'I1', amount: '1', source: 'school', date: '2022-01-01' }))
          .status,
      ).toBe(404);
      expect((await api.put('/training-bases/B1', { name: '纺织实训中心', kind: 'on_campus', sector: 'textiles' })).status).toBe(201);
      const inv = { investmentId: 'I1', amount: '403000000.1', source: 'central_government', date: '2021-06-30' };
      expect(await api.post('/training-bases/B1/investments', inv)).toMatchObject({ status: 201, body: { amount: '403000000.10' } });
      expect((await api.post('/training-bases/B1/investments', inv)).status).toBe(200);
      expect((await api.post('/training-bases/B1/investments', { ...inv, amount: '403000000.11' })).status).toBe(409);
      expect((await api.post('/training-bases/B1/investments', { ...inv, investmentId: 'I2', amount: '0.2' })).status).toBe(201);
      expect((await api.get('/training-bases/B1/investments')).body.items.map((i: { amount: string }) => i.amount)).toEqual([
        '403000000.10',
        '0.20',
      ]);
      const { rows } = await db.query(`SELECT payload FROM outbox WHERE payload->>'subject' = 'B1' ORDER BY id`);
      expect(rows.map((r) => [r.payload.type, r.payload.sequence, r.payload.data.amount ?? null])).toEqual([
        ['partnership.training_base.registered.v1', 1, null],
        ['partnership.training_base.investment_recorded.v1', 2, '403000000.10'],
        ['partnership.training_base.investment_recorded.v1', 3, '0.20'],
      ]);
    });
  });

  describe('agreement expiry (two instances on one database)', () => {
    const expiredEvents = async () =>
      (
        await db.query<{ subject: string; n: number }>(
          `SELECT payload->>'subject' AS subject, count(*)::int AS n FROM outbox WHERE routing_key = 'partnership.agreement.expired.v1' GROUP BY 1 ORDER BY 1`,
        )
      ).rows;

    it('agreements past expiresOn expire by themselves, each exactly once, across instances and a restart', async () => {
      const first = stack.apps.partnership!;
      await stack.start('partnership'); // a second instance on the same database, its job running too
      try {
        const past = Array.from({ length: 40 }, (_, i) =>
          agreement(`EXP${String(i).padStart(2, '0')}`, { signedOn: '2020-01-01', expiresOn: '2021-12-31' }),
        );
        expect((await api.post('/agreements:batch', past)).body.summary).toMatchObject({ created: 40 });
        await expectEventually(async () => expect((await expiredEvents()).length).toBe(40));
        // A restart and more runs publish nothing again.
        await stack.stop('partnership');
        await stack.start('partnership');
        await new Promise((r) => setTimeout(r, 1000));
        const rows = await expiredEvents();
        expect(rows).toHaveLength(40);
        expect(rows.every((r) => r.n === 1)).toBe(true);
        const one = await stack.api('partnership').get('/agreements/EXP00');
        expect(one.body).toMatchObject({ status: 'expired', expiredOn: '2022-01-01', version: 2 });
        const { rows: ev } = await db.query(
          `SELECT payload FROM outbox WHERE payload->>'subject' = 'EXP00' AND routing_key LIKE '%expired%'`,
        );
        expect(ev[0].payload).toMatchObject({
          sequence: 2,
          // No key caused it: the scheduled job is its actor.
          actor: 'system',
          data: { agreementId: 'EXP00', expiresOn: '2021-12-31', expiredOn: '2022-01-01' },
        });

        // Concurrent runs on both instances with a clock moved forward: still one event per agreement.
        const future = Array.from({ length: 60 }, (_, i) => agreement(`FUT${String(i).padStart(2, '0')}`, { expiresOn: '2098-06-30' }));
        expect((await stack.api('partnership').post('/agreements:batch', future)).body.summary).toMatchObject({ created: 60 });
        const second = stack.apps.partnership!;
        for (const app of [first, second]) jest.spyOn(app.get(Clock), 'today').mockReturnValue('2098-07-01');
        const jobs = [first, second].map((app) => app.get(AgreementExpiryJob));
        await Promise.all([jobs[0]!.runOnce(), jobs[1]!.runOnce(), jobs[1]!.runOnce(), jobs[0]!.runOnce()]);
        await Promise.all(jobs.map((j) => j.runOnce()));
        const all = await expiredEvents();
        expect(all.filter((r) => r.subject.startsWith('FUT'))).toHaveLength(60);
        expect(all.every((r) => r.n === 1)).toBe(true);
        // A renewal reactivates; the next expiry is a new, single event (sequence 4).
        await stack.api('partnership').post('/agreements/FUT00/renewal', { date: '2098-07-02', expiresOn: '2098-07-31' });
        for (const app of [first, second]) jest.spyOn(app.get(Clock), 'today').mockReturnValue('2098-08-01');
        await Promise.all(jobs.map((j) => j.runOnce()));
        const { rows: fut } = await db.query(
          `SELECT payload->>'type' AS type, (payload->>'sequence')::int AS seq FROM outbox WHERE payload->>'subject' = 'FUT00' ORDER BY id`,
        );
        expect(fut).toEqual([
          { type: 'partnership.agreement.signed.v1', seq: 1 },
          { type: 'partnership.agreement.expired.v1', seq: 2 },
          { type: 'partnership.agreement.renewed.v1', seq: 3 },
          { type: 'partnership.agreement.expired.v1', seq: 4 },
        ]);
      } finally {
        jest.restoreAllMocks();
        await first.close();
      }
    });
  });

  it('every list pages ({ items, nextCursor }), each row once, in key order, as the database holds them', async () => {
    const api = stack.api('partnership'); // the app may have been restarted on another port
    const lists: Array<[string, string, string]> = [
      ['/partners', `SELECT partner_id AS k FROM partners ORDER BY 1`, 'partnerId'],
      ['/agreements', `SELECT agreement_id AS k FROM agreements ORDER BY 1`, 'agreementId'],
      [
        '/training-bases/B1/investments',
        `SELECT investment_id AS k FROM training_base_investments WHERE base_id = 'B1' ORDER BY 1`,
        'investmentId',
      ],
    ];
    for (const [path, sql, key] of lists) {
      const expected = (await db.query<{ k: string }>(sql)).rows.map((r) => r.k);
      expect(expected.length).toBeGreaterThan(1);
      const { items, pages } = await allPages<Record<string, string>>(api, path, 1);
      expect({ path, keys: items.map((i) => i[key]) }).toEqual({ path, keys: expected });
      expect(pages).toBe(expected.length);
    }
    const agreements = await api.get('/agreements?limit=1');
    expect(agreements.body.items[0]).not.toHaveProperty('terminationReason');
    expect((await api.get('/partners?limit=0')).body.errors[0].field).toBe('limit');
    expect((await api.get('/training-bases/B1/investments?cursor=WyJ4Il0')).body).toMatchObject({ error: 'invalid_cursor' }); // one part of two
  });

  it('serves OpenAPI and health', async () => {
    const doc = await stack.api('partnership').get('/docs/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/partners/{partnerId}',
        '/agreements',
        '/agreements:batch',
        '/order-classes',
        '/certificate-pilots',
        '/industry-colleges',
        '/training-bases/{baseId}/investments',
      ]),
    );
    expect((await stack.api('partnership').get('/health')).body).toMatchObject({ checks: { database: 'up', broker: 'up' } });
  });

  it('takes the partner and training-base batches by PUT and by POST alike', async () => {
    const api = stack.api('partnership'); // the app may have been restarted on another port
    const put = await api.put('/partners:batch', [{ partnerId: 'BP1', ...partner() }]);
    expect(put.status).toBe(200);
    const post = await api.post('/partners:batch', [
      { partnerId: 'BP1', ...partner() },
      { partnerId: 'BP2', ...partner() },
    ]);
    expect(post.status).toBe(200);
    expect(post.body.summary).toMatchObject({ created: 1, unchanged: 1, failed: 0 });
    const base = { baseId: 'BTB1', name: '纺织实训中心', kind: 'productive' };
    expect((await api.post('/training-bases:batch', [base])).body.summary).toMatchObject({ created: 1 });
    expect((await api.put('/training-bases:batch', [{ ...base, sector: 'textiles' }])).body.summary).toMatchObject({ updated: 1 });
  });
});
