import { Client } from 'pg';
import { MAX_BATCH_ITEMS } from '@chanjiao/edge';
import { expectEventually } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

const program = {
  name: '纺织品检验与贸易',
  category: '48',
  cluster: '纺织服装',
  level: 'higher_vocational',
  sectors: ['textiles'],
  status: 'open',
};
const enrollment = (studentId: string, patch: Record<string, unknown> = {}) => ({
  studentId,
  programCode: 'P1',
  cohortYear: 2022,
  level: 'higher_vocational',
  pathway: 'regular',
  ...patch,
});

describe('enrollment write API (real PostgreSQL)', () => {
  let stack: TestStack;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment'] });
    db = new Client({ connectionString: stack.databases.enrollment });
    await db.connect();
    expect((await stack.enrollment.put('/programs/P1', program)).status).toBe(201);
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const counts = async () => {
    const { rows } = await db.query<{ e: string; o: string }>(
      `SELECT (SELECT count(*) FROM enrollments) AS e, (SELECT count(*) FROM outbox) AS o`,
    );
    return { enrollments: Number(rows[0]!.e), outbox: Number(rows[0]!.o) };
  };

  describe('bad input gets 400 naming the field and writes nothing', () => {
    const cases: Array<[string, unknown, string]> = [
      ['wrong enum', enrollment('B1', { level: 'doctorate' }), 'level'],
      ['wrong pathway enum', enrollment('B1', { pathway: '3+2' }), 'pathway'],
      ['missing field', { studentId: 'B1', programCode: 'P1', level: 'higher_vocational', pathway: 'regular' }, 'cohortYear'],
      ['wrong type', enrollment('B1', { cohortYear: '2022' }), 'cohortYear'],
      ['unknown field', enrollment('B1', { name: '张三' }), 'name'],
      ['bad region', enrollment('B1', { originRegion: '6528' }), 'originRegion'],
      ['bad id', enrollment('B 1'), 'studentId'],
      ['blank text', enrollment('B1', { partnerInstitution: '   ' }), 'partnerInstitution'],
    ];
    it.each(cases)('%s', async (_label, body, field) => {
      const before = await counts();
      const res = await stack.enrollment.post('/enrollments', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await counts()).toEqual(before);
    });

    it('malformed JSON', async () => {
      const before = await counts();
      const res = await stack.enrollment.raw('POST', '/enrollments', '{"studentId": "B1",');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'malformed_json', errors: [{ field: 'body' }] });
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['text/plain', 'PUT', '/programs/CT1'],
      ['text/csv', 'POST', '/enrollments'],
      ['application/octet-stream', 'POST', '/enrollments/D9/graduation'],
      ['text/plain', 'POST', '/enrollments:batch'],
    ])('a JSON body sent as %s to %s %s: 415 naming body, and the service goes on', async (contentType, method, path) => {
      const before = await counts();
      const res = await fetch(`${stack.urls.enrollment}${path}`, {
        method,
        headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': contentType },
        body: JSON.stringify(path === '/programs/CT1' ? program : enrollment('CT1')),
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: 'unsupported_media_type', errors: [{ field: 'body' }] });
      expect(await counts()).toEqual(before);
      expect((await stack.enrollment.get('/programs/P1')).status).toBe(200);
    });

    it('a body nested past the limit: 400 naming where, for a single write and in a batch', async () => {
      const before = await counts();
      const deep = (levels: number): unknown => (levels === 0 ? [] : [deep(levels - 1)]);
      const single = await stack.enrollment.put('/programs/DEEP1', Object.assign({}, program, { name: deep(2000) }));
      expect(single.status).toBe(400);
      expect(single.body).toMatchObject({ error: 'validation_failed', errors: [{ field: expect.stringMatching(/^name(\[0\])+$/) }] });
      const batch = await stack.enrollment.post('/enrollments:batch', [
        enrollment('DEEP2'),
        enrollment('DEEP3', { originRegion: deep(40) }),
      ]);
      expect(batch.status).toBe(400);
      expect(batch.body.errors).toEqual([expect.objectContaining({ field: expect.stringMatching(/^\[1\]\.originRegion(\[0\])+$/) })]);
      expect(await counts()).toEqual(before);
    });

    it('an oversized batch', async () => {
      const before = await counts();
      const items = Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => enrollment(`X${i}`));
      const res = await stack.enrollment.post('/enrollments:batch', items);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        {
          field: 'body',
          message: expect.stringContaining(`at most ${MAX_BATCH_ITEMS}`),
          message_zh: expect.stringContaining(`一批最多 ${MAX_BATCH_ITEMS} 项`),
        },
      ]);
      expect(await counts()).toEqual(before);
    });

    it('one bad item fails the whole batch, naming its index and field', async () => {
      const before = await counts();
      const res = await stack.enrollment.post('/enrollments:batch', [enrollment('B2'), enrollment('B3', { level: 'x' })]);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: '[1].level' })]);
      expect(await counts()).toEqual(before);
    });

    it('an impossible date', async () => {
      await stack.enrollment.post('/enrollments', enrollment('D1'));
      const res = await stack.enrollment.post('/enrollments/D1/graduation', { date: '2022-02-30', graduationYear: 2022 });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'date' })]);
    });
  });

  describe('keys', () => {
    it('without a key: 401; an unknown key: 401; a reader key or a key for another service: 403', async () => {
      const url = stack.urls.enrollment!;
      const post = (headers: Record<string, string>) =>
        fetch(`${url}/enrollments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(enrollment('K1')),
        });
      expect((await post({})).status).toBe(401);
      expect((await post({ authorization: 'Bearer cjk_000000000000_' + 'a'.repeat(43) })).status).toBe(401);
      expect((await post({ authorization: `Bearer ${stack.readerKey}` })).status).toBe(403);
      const placementOnly = await stack.keys.create({ role: 'writer', services: ['placement'], institution: stack.institution });
      const res = await post({ authorization: `Bearer ${placementOnly.key}` });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'forbidden' });
      expect((await stack.enrollment.get('/enrollments/K1')).status).toBe(404);
    });

    it('a revoked key stops working as soon as the revocation is announced, and stays revoked', async () => {
      const k = await stack.keys.create({ role: 'writer', services: ['enrollment'], institution: stack.institution });
      const get = () => fetch(`${stack.urls.enrollment}/programs`, { headers: { authorization: `Bearer ${k.key}` } });
      expect((await get()).status).toBe(200); // now cached
      await stack.keys.revoke(k.id);
      // The NOTIFY reaches the service's listener a few ms after the commit (it once lost that race in CI).
      await expectEventually(async () => expect((await get()).status).toBe(401), { timeoutMs: 2000, intervalMs: 20 });
      for (let i = 0; i < 5; i++) expect((await get()).status).toBe(401);
    });
  });

  describe('idempotent writes', () => {
    it('a repeat is a 200 no-op; the same id with other content is 409; each change is one outbox event', async () => {
      const before = await counts();
      expect((await stack.enrollment.post('/enrollments', enrollment('I1'))).status).toBe(201);
      expect((await stack.enrollment.post('/enrollments', enrollment('I1'))).status).toBe(200);
      const conflict = await stack.enrollment.post('/enrollments', enrollment('I1', { cohortYear: 2021 }));
      expect(conflict.status).toBe(409);
      expect(conflict.body.error).toBe('enrollment_exists');
      expect(await counts()).toEqual({ enrollments: before.enrollments + 1, outbox: before.outbox + 1 });
    });

    it('a program PUT that changes something is an update with the next sequence', async () => {
      expect((await stack.enrollment.put('/programs/P9', program)).status).toBe(201);
      expect((await stack.enrollment.put('/programs/P9', program)).status).toBe(200);
      const updated = await stack.enrollment.put('/programs/P9', { ...program, name: '新名称' });
      expect(updated).toMatchObject({ status: 200, body: { version: 2, name: '新名称' } });
      const suspended = await stack.enrollment.put('/programs/P9', { ...program, name: '新名称', status: 'suspended' });
      expect(suspended.body.version).toBe(3);
      const { rows } = await db.query(
        `SELECT routing_key, payload->>'sequence' AS seq FROM outbox WHERE payload->>'subject' = 'P9' ORDER BY id`,
      );
      expect(rows).toEqual([
        { routing_key: 'enrollment.program.opened.v1', seq: '1' },
        { routing_key: 'enrollment.program.updated.v1', seq: '2' },
        { routing_key: 'enrollment.program.suspended.v1', seq: '3' },
      ]);
    });

    it('life-cycle repeats are no-ops; impossible transitions 409; unknown students 404', async () => {
      await stack.enrollment.post('/enrollments', enrollment('L1'));
      expect((await stack.enrollment.post('/enrollments/L1/withdrawal', { date: '2023-03-01', reason: '转学' })).status).toBe(200);
      expect((await stack.enrollment.post('/enrollments/L1/withdrawal', { date: '2023-03-01', reason: '转学' })).status).toBe(200);
      const g = await stack.enrollment.post('/enrollments/L1/graduation', { date: '2025-06-30', graduationYear: 2025 });
      expect(g).toMatchObject({ status: 409, body: { error: 'invalid_transition' } });
      expect((await stack.enrollment.post('/enrollments/NOPE/cancellation', { date: '2022-09-01' })).status).toBe(404);
      const { rows } = await db.query(`SELECT payload FROM outbox WHERE payload->>'subject' = 'L1' ORDER BY id`);
      expect(rows.map((r) => r.payload.type)).toEqual(['enrollment.student.enrolled.v1', 'enrollment.student.withdrawn.v1']);
      expect(JSON.stringify(rows)).not.toContain('转学'); // the reason is never published
    });

    it('a batch answers per item and commits the good items together', async () => {
      const res = await stack.enrollment.post('/enrollments:batch', [
        enrollment('M1'),
        enrollment('M2', { programCode: 'NOPE' }),
        enrollment('M1'),
        enrollment('I1', { cohortYear: 2020 }),
      ]);
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { status: string; httpStatus: number }) => [r.status, r.httpStatus])).toEqual([
        ['created', 201],
        ['failed', 400],
        ['unchanged', 200],
        ['failed', 409],
      ]);
      expect(res.body.results[1]).toMatchObject({ error: 'unknown_program', field: 'programCode' });
      expect((await stack.enrollment.get('/enrollments/M1')).status).toBe(200);
      expect((await stack.enrollment.get('/enrollments/M2')).status).toBe(404);
    });

    it('concurrent identical writes create one enrollment and one event', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => stack.enrollment.post('/enrollments', enrollment('C1'))));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'subject' = 'C1'`);
      expect(rows[0].n).toBe(1);
    });

    it('concurrent single writes (merged into shared transactions under load) answer as if sent one by one', async () => {
      const send = (studentId: string, patch: Record<string, unknown>, trace: string) =>
        fetch(`${stack.urls.enrollment}/enrollments`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${stack.writerKey}`,
            'content-type': 'application/json',
            traceparent: `00-${trace.padStart(32, '0')}-${'1'.repeat(16)}-01`,
          },
          body: JSON.stringify(enrollment(studentId, patch)),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: string } }));
      // Hold the table while the requests arrive: the first batches wait in flight, the rest queue up.
      const holder = new Client({ connectionString: stack.databases.enrollment });
      await holder.connect();
      await holder.query('BEGIN; LOCK TABLE enrollments IN EXCLUSIVE MODE');
      const distinct = Array.from({ length: 40 }, (_, i) => send(`G${i}`, {}, `a${i}`));
      const unknownProgram = send('GX', { programCode: 'NOPE' }, 'bad');
      await new Promise((r) => setTimeout(r, 500));
      await holder.query('COMMIT');
      await holder.end();
      const results = await Promise.all(distinct);
      expect(results.map((r) => r.status)).toEqual(Array(40).fill(201));
      expect(await unknownProgram).toMatchObject({ status: 400, body: { error: 'unknown_program' } });
      const { rows } = await db.query<{ subject: string; traceparent: string }>(
        `SELECT payload->>'subject' AS subject, payload->>'traceparent' AS traceparent FROM outbox WHERE payload->>'subject' LIKE 'G%'`,
      );
      // Every event carries the trace of the request it came from, whichever batch it was written in.
      expect(rows).toHaveLength(40);
      for (const r of rows) expect(r.traceparent.slice(3, 35)).toBe(`a${r.subject.slice(1)}`.padStart(32, '0'));
      // Rows written by one transaction share its xmin (enrollment rows: the relay updates outbox rows, not these):
      // fewer transactions than requests means requests were merged.
      const tx = await db.query<{ n: number }>(`SELECT count(DISTINCT xmin::text)::int AS n FROM enrollments WHERE student_id LIKE 'G%'`);
      expect(tx.rows[0]!.n).toBeLessThanOrEqual(10);
    });
  });

  describe('GET /programs pages', () => {
    const put = (codes: string[]) =>
      stack.enrollment.put(
        '/programs:batch',
        codes.map((code) => Object.assign({ code }, program)),
      );
    const codes = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

    it('a walk through every page sees each program exactly once, while programs are added between pages', async () => {
      const existing = codes('PG', 250);
      expect((await put(existing)).body.summary.failed).toBe(0);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: { items: Array<{ code: string }>; nextCursor: string | null } } = await stack.enrollment.get(
          `/programs?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
        expect(res.body.items.length).toBeLessThanOrEqual(100);
        seen.push(...res.body.items.map((p: { code: string }) => p.code));
        cursor = res.body.nextCursor;
        pages++;
        // Between pages: one program before where the walk is (it is not seen) and one after (it is, once).
        expect((await put([`PA-${pages}`, `PZ-${pages}`])).status).toBe(200);
      } while (cursor !== null);
      expect(pages).toBeGreaterThan(2);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort());
      expect(seen).toEqual(expect.arrayContaining(existing));
      expect(seen.filter((c) => c.startsWith('PZ-')).length).toBeGreaterThan(0);
      expect(seen.filter((c) => c.startsWith('PA-'))).toEqual([]);
    });

    it('pages of the default size, 100, and the limit asked for; ?institution= names the key’s own', async () => {
      expect((await stack.enrollment.get(`/programs?limit=1&institution=${stack.institution}`)).body.items).toHaveLength(1);
      expect((await stack.enrollment.get('/programs?limit=1&colour=red')).body.errors[0].field).toBe('colour');
      const first = await stack.enrollment.get('/programs');
      expect(first.body.items).toHaveLength(100);
      expect(typeof first.body.nextCursor).toBe('string');
      const three = await stack.enrollment.get(`/programs?limit=3&cursor=${first.body.nextCursor}`);
      expect(three.body.items).toHaveLength(3);
      expect(three.body.items[0].code > first.body.items[99].code).toBe(true);
    });

    it.each(['0', '1001', '-1', '2.5', 'ten', ''])('limit=%s: 400 naming limit', async (limit) => {
      const res = await stack.enrollment.get(`/programs?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'validation_failed', errors: [expect.objectContaining({ field: 'limit' })] });
      expect(res.body.errors[0].message).toMatch(/^limit 须为 1 到 1000 的整数/);
    });

    it('a cursor it did not give (tampered, garbage, of another list): 400 invalid_cursor naming cursor', async () => {
      const { nextCursor } = (await stack.enrollment.get('/programs?limit=1')).body;
      const tampered = Buffer.from(JSON.stringify(["P1' OR '1'='1"])).toString('base64url');
      const twoParts = Buffer.from(JSON.stringify(['P1', 'P2'])).toString('base64url');
      for (const cursor of [tampered, twoParts, `${nextCursor}!`, 'x'.repeat(2000), '%E2%80%8B']) {
        const res = await stack.enrollment.get(`/programs?cursor=${cursor}`);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatch(/^(invalid_cursor|validation_failed)$/);
        expect(res.body.errors[0].field).toBe('cursor');
      }
      const res = await stack.enrollment.get(`/programs?cursor=${tampered}`);
      expect(res.body).toMatchObject({ error: 'invalid_cursor', message: expect.stringMatching(/^cursor 无效/) });
    });
  });

  it('programs have a batch form, as PUT and as POST', async () => {
    const items = [
      { ...program, code: 'PB1' },
      { ...program, code: 'PB2', level: 'nope' },
    ];
    expect((await stack.enrollment.put('/programs:batch', items)).status).toBe(400);
    const put = await stack.enrollment.put('/programs:batch', [items[0]]);
    expect(put).toMatchObject({ status: 200, body: { summary: { created: 1 } } });
    const post = await stack.enrollment.post('/programs:batch', [items[0], { ...program, code: 'PB3' }]);
    expect(post).toMatchObject({ status: 200, body: { summary: { created: 1, unchanged: 1 } } });
  });

  it('serves OpenAPI at /docs and health at /health', async () => {
    const doc = await stack.enrollment.get('/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/enrollments', '/programs/{code}']));
    // A client without a trace context is not required to send one (a request without gets a new trace).
    const traceparents = Object.values(doc.body.paths as Record<string, Record<string, { parameters?: Array<Record<string, unknown>> }>>)
      .flatMap((path) => Object.values(path))
      .flatMap((op) => op.parameters ?? [])
      .filter((p) => p.in === 'header' && p.name === 'traceparent');
    expect(traceparents.length).toBeGreaterThan(5);
    expect(traceparents.filter((p) => p.required !== false)).toEqual([]);
    // The list is documented as a page: its query and its shape.
    const list = doc.body.paths['/programs'].get;
    expect(list.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['query:limit', 'query:cursor']),
    );
    expect(list.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ProgramPage' });
    expect(doc.body.components.schemas.ProgramPage).toMatchObject({
      properties: {
        items: { type: 'array', items: { $ref: '#/components/schemas/ProgramView' } },
        nextCursor: { type: 'string', nullable: true },
      },
      required: ['items', 'nextCursor'],
    });
    const health = await stack.enrollment.get('/health');
    expect(health).toMatchObject({ status: 200, body: { checks: { database: 'up', broker: 'up' } } });
  });
});
