import { Client } from 'pg';
import { allPages, type HttpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

const destination = (patch: Record<string, unknown> = {}) => ({
  graduationYear: 2022,
  programCode: '460103',
  category: 'contract',
  detail: 'labor_contract',
  employerName: '某石化有限公司',
  region: '652801',
  sector: 'chemical_materials',
  effectiveDate: '2022-07-01',
  verified: true,
  ...patch,
});
const internship = (internshipId: string, patch: Record<string, unknown> = {}) => ({
  internshipId,
  studentId: 'S1',
  kind: 'post',
  employerName: '某石化有限公司',
  region: '652801',
  startDate: '2022-03-01',
  ...patch,
});

describe('placement write API (real PostgreSQL)', () => {
  let stack: TestStack;
  let api: HttpClient;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack({ services: ['placement'] });
    api = stack.api('placement');
    db = new Client({ connectionString: stack.databases.placement });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const counts = async () => {
    const { rows } = await db.query<{ d: string; i: string; o: string }>(
      `SELECT (SELECT count(*) FROM destination_versions) AS d, (SELECT count(*) FROM internships) AS i, (SELECT count(*) FROM outbox) AS o`,
    );
    return { destinations: Number(rows[0]!.d), internships: Number(rows[0]!.i), outbox: Number(rows[0]!.o) };
  };
  const outbox = async (subject: string) =>
    (
      await db.query<{ routing_key: string; seq: string; data: Record<string, unknown> }>(
        `SELECT routing_key, payload->>'sequence' AS seq, payload->'data' AS data FROM outbox WHERE payload->>'subject' = $1 ORDER BY id`,
        [subject],
      )
    ).rows;

  describe('bad input gets 400 naming the field and writes nothing', () => {
    const destinationCases: Array<[string, unknown, string]> = [
      ['bad category', destination({ category: 'employed', detail: undefined }), 'category'],
      ['bad detail', destination({ detail: 'astronaut' }), 'detail'],
      ['contract with postgraduate', destination({ detail: 'postgraduate' }), 'detail'],
      ['entrepreneurship with a detail', destination({ category: 'entrepreneurship', detail: 'freelance' }), 'detail'],
      ['bad sector', destination({ sector: 'fishing' }), 'sector'],
      ['impossible date', destination({ effectiveDate: '2022-02-30' }), 'effectiveDate'],
      ['not a date', destination({ effectiveDate: '01/07/2022' }), 'effectiveDate'],
      ['region of four digits', destination({ region: '6528' }), 'region'],
      ['region with letters', destination({ region: '65280A' }), 'region'],
      ['verified missing', destination({ verified: undefined }), 'verified'],
      ['graduationYear as a string', destination({ graduationYear: '2022' }), 'graduationYear'],
      ['unknown field (a person)', destination({ name: '张三' }), 'name'],
    ];
    it('PUT /destinations: a detail named like an object property is only an unknown detail', async () => {
      const res = await api.put('/destinations/B1', destination({ detail: 'toString' }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].field).toBe('detail');
      expect(res.body.errors[0].message).not.toMatch(/native code|function/);
    });

    it.each(destinationCases)('PUT /destinations: %s', async (_label, body, field) => {
      const before = await counts();
      const res = await api.put('/destinations/B1', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))]).toEqual([field]);
      expect(await counts()).toEqual(before);
    });

    const internshipCases: Array<[string, unknown, string]> = [
      ['bad kind', internship('B1', { kind: 'summer' }), 'kind'],
      ['impossible start', internship('B1', { startDate: '2022-13-01' }), 'startDate'],
      ['region of seven digits', internship('B1', { region: '6528011' }), 'region'],
      ['missing region', internship('B1', { region: undefined }), 'region'],
      ['bad student id', internship('B1', { studentId: 'S 1' }), 'studentId'],
    ];
    it.each(internshipCases)('POST /internships: %s', async (_label, body, field) => {
      const before = await counts();
      const res = await api.post('/internships', body);
      expect(res.status).toBe(400);
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))]).toEqual([field]);
      expect(await counts()).toEqual(before);
    });

    it('an end before the start is 400 naming endDate', async () => {
      const before = await counts();
      const res = await api.post('/internships', internship('B2', { endDate: '2022-02-01' }));
      expect(res).toMatchObject({ status: 400, body: { error: 'invalid_dates', errors: [{ field: 'endDate' }] } });
      expect(await counts()).toEqual(before);
    });

    it('one bad item fails the whole batch, naming its index and field', async () => {
      const before = await counts();
      const res = await api.post('/destinations:batch', [
        { studentId: 'B3', ...destination() },
        { studentId: 'B4', ...destination({ category: 'contract', detail: 'postgraduate' }) },
      ]);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: '[1].detail' })]);
      expect(await counts()).toEqual(before);
    });
  });

  describe('destinations', () => {
    it('each PUT that changes something is a new version with the next sequence; a repeat is a no-op; versions are kept', async () => {
      const before = await counts();
      const first = destination({
        category: 'not_placed',
        detail: 'seeking',
        employerName: undefined,
        region: undefined,
        sector: undefined,
      });
      expect(await api.put('/destinations/D1', first)).toMatchObject({ status: 201, body: { version: 1, category: 'not_placed' } });
      expect(await api.put('/destinations/D1', first)).toMatchObject({ status: 200, body: { version: 1 } });
      const corrected = destination({ effectiveDate: '2022-10-15' });
      expect(await api.put('/destinations/D1', corrected)).toMatchObject({ status: 200, body: { version: 2, category: 'contract' } });
      expect(await api.put('/destinations/D1', corrected)).toMatchObject({ status: 200, body: { version: 2 } });
      expect(await api.put('/destinations/D1', { ...corrected, verified: false })).toMatchObject({ body: { version: 3 } });
      expect(await counts()).toEqual({ ...before, destinations: before.destinations + 3, outbox: before.outbox + 3 });
      const events = await outbox('D1');
      expect(events.map((e) => [e.routing_key, e.seq])).toEqual([
        ['placement.destination.recorded.v1', '1'],
        ['placement.destination.recorded.v1', '2'],
        ['placement.destination.recorded.v1', '3'],
      ]);
      expect(events[0]!.data).toEqual({
        studentId: 'D1',
        version: 1,
        graduationYear: 2022,
        programCode: '460103',
        category: 'not_placed',
        detail: 'seeking',
        employerPartnerId: null,
        employerName: null,
        region: null,
        sector: null,
        effectiveDate: '2022-07-01',
        verified: true,
      });
      const history = await api.get('/destinations/D1');
      expect(history.body).toMatchObject({ version: 3, verified: false, category: 'contract' });
      expect(history.body.versions.map((v: { version: number; effectiveDate: string }) => [v.version, v.effectiveDate])).toEqual([
        [1, '2022-07-01'],
        [2, '2022-10-15'],
        [3, '2022-10-15'],
      ]);
      expect(history.body.timeline).toEqual([
        { from: '2022-07-01', until: '2022-10-15', version: 1 },
        { from: '2022-10-15', until: null, version: 3 },
      ]);
      // A correction recorded last, dated before version 3: it holds from its own date on, version 3 never again.
      expect(await api.put('/destinations/D1', destination({ region: '650102', effectiveDate: '2022-09-01' }))).toMatchObject({
        status: 200,
        body: { version: 4 },
      });
      expect((await api.get('/destinations/D1')).body).toMatchObject({
        version: 4,
        effectiveDate: '2022-09-01',
        timeline: [
          { from: '2022-07-01', until: '2022-09-01', version: 1 },
          { from: '2022-09-01', until: null, version: 4 },
        ],
      });
      expect((await api.get('/destinations/NOPE')).status).toBe(404);
    });

    it('the batch form: per-item results; a student twice in one batch gets two versions in order', async () => {
      const res = await api.put('/destinations:batch', [
        { studentId: 'D2', ...destination() },
        { studentId: 'D3', ...destination({ category: 'further_study', detail: 'upgrade_to_bachelor' }) },
        { studentId: 'D2', ...destination({ region: '650102' }) },
        { studentId: 'D2', ...destination({ region: '650102' }) },
      ]);
      expect(res.status).toBe(200);
      expect(res.body.summary).toEqual({ created: 2, updated: 1, unchanged: 1, failed: 0 });
      expect((await outbox('D2')).map((e) => e.seq)).toEqual(['1', '2']);
      const again = await api.post('/destinations:batch', [
        { studentId: 'D3', ...destination({ category: 'further_study', detail: 'upgrade_to_bachelor' }) },
      ]);
      expect(again.body.summary).toEqual({ created: 0, updated: 0, unchanged: 1, failed: 0 });
    });

    it('concurrent first PUTs of one student make one version', async () => {
      const results = await Promise.all([1, 2, 3, 4].map(() => api.put('/destinations/D4', destination())));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
      expect((await outbox('D4')).length).toBe(1);
    });
  });

  describe('internships', () => {
    it('create 201, repeat 200 no-op, correction next version, other student 409, completion', async () => {
      const before = await counts();
      expect(await api.post('/internships', internship('I1'))).toMatchObject({ status: 201, body: { version: 1, endDate: null } });
      expect(await api.post('/internships', internship('I1'))).toMatchObject({ status: 200, body: { version: 1 } });
      expect(await api.post('/internships', internship('I1', { region: '650102' }))).toMatchObject({
        status: 200,
        body: { version: 2, region: '650102' },
      });
      const other = await api.post('/internships', internship('I1', { studentId: 'S2', region: '650102' }));
      expect(other).toMatchObject({ status: 409, body: { error: 'internship_student_conflict' } });
      expect(await api.post('/internships/I1/completion', { endDate: '2022-06-30' })).toMatchObject({
        status: 200,
        body: { version: 3, endDate: '2022-06-30' },
      });
      expect(await api.post('/internships/I1/completion', { endDate: '2022-06-30' })).toMatchObject({ status: 200, body: { version: 3 } });
      expect(await api.post('/internships/I1/completion', { endDate: '2022-07-30' })).toMatchObject({
        status: 409,
        body: { error: 'date_conflict' },
      });
      expect((await api.post('/internships/I9/completion', { endDate: '2022-07-30' })).status).toBe(404);
      expect((await api.post('/internships/I1/completion', { endDate: '2022-7-30' })).body.errors[0].field).toBe('endDate');
      expect(await counts()).toEqual({ ...before, internships: before.internships + 1, outbox: before.outbox + 3 });
      expect((await outbox('I1')).map((e) => [e.routing_key, e.seq])).toEqual([
        ['placement.internship.started.v1', '1'],
        ['placement.internship.updated.v1', '2'],
        ['placement.internship.completed.v1', '3'],
      ]);
      expect((await api.get('/internships?studentId=S1')).body.items.map((i: { internshipId: string }) => i.internshipId)).toEqual(['I1']);
      expect((await api.get('/internships')).body.errors[0].field).toBe('studentId');
    });

    it('batch forms with per-item results', async () => {
      const res = await api.post('/internships:batch', [internship('I2'), internship('I3', { kind: 'cognitive' }), internship('I2')]);
      expect(res.body.summary).toEqual({ created: 2, updated: 0, unchanged: 1, failed: 0 });
      const done = await api.post('/internships/completion:batch', [
        { internshipId: 'I2', endDate: '2022-05-01' },
        { internshipId: 'I404', endDate: '2022-05-01' },
        { internshipId: 'I3', endDate: '2022-01-01' },
      ]);
      expect(done.body.results.map((r: { status: string; httpStatus: number }) => [r.status, r.httpStatus])).toEqual([
        ['updated', 200],
        ['failed', 404],
        ['failed', 400],
      ]);
    });

    it("a student's internships page ({ items, nextCursor }), each once, in id order", async () => {
      const expected = (await db.query<{ id: string }>(`SELECT internship_id AS id FROM internships WHERE student_id = 'S1' ORDER BY 1`))
        .rows;
      expect(expected.length).toBeGreaterThan(2);
      const { items, pages } = await allPages<{ internshipId: string; studentId: string }>(api, '/internships?studentId=S1', 2);
      expect(items.map((i) => i.internshipId)).toEqual(expected.map((r) => r.id));
      expect(new Set(items.map((i) => i.studentId))).toEqual(new Set(['S1']));
      expect(pages).toBe(Math.ceil(expected.length / 2)); // no empty last page: one row more than a page is read
      expect((await api.get('/internships?studentId=S1&limit=x')).body.errors[0].field).toBe('limit');
    });

    it('a reader key may not write', async () => {
      const res = await fetch(`${stack.urls.placement}/internships`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.readerKey}` },
        body: JSON.stringify(internship('K1')),
      });
      expect(res.status).toBe(403);
    });
  });
});
