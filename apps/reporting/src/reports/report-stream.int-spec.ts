import { Client } from 'pg';
import { expectEventually, httpClient } from '@chanjiao/testing';
import { FIRST_ENROLLMENT, PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

interface Change {
  institution: string;
  asOf: string | null;
  eventsApplied: number;
}

/** An open `GET /reports/stream`: the `change` events received so far, and a way to hang up. */
async function follow(url: string, key: string): Promise<{ status: number; changes: Change[]; comments: string[]; close: () => void }> {
  const abort = new AbortController();
  const res = await fetch(`${url}/reports/stream`, { headers: { authorization: `Bearer ${key}` }, signal: abort.signal });
  const changes: Change[] = [];
  const comments: string[] = [];
  if (res.ok && res.body) {
    const decoder = new TextDecoder();
    let buffered = '';
    void (async () => {
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const message = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            if (message.startsWith(':')) comments.push(message);
            const data = /^event: change\ndata: (.*)$/m.exec(message);
            if (data) changes.push(JSON.parse(data[1]!) as Change);
          }
        }
      } catch {
        // hung up
      }
    })();
  }
  return { status: res.status, changes, comments, close: () => abort.abort() };
}

/**
 * `GET /reports/stream` against real PostgreSQL and RabbitMQ: a reader hears of each change of its institution's figures
 * (the projection's commit notifies through PostgreSQL), never of another institution's, and a stopping service ends
 * its streams instead of waiting on them.
 */
describe('report stream (real PostgreSQL and RabbitMQ)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment', 'reporting'] });
  });
  afterAll(() => stack?.close());

  it('sends the current state at once, then a change when a write is applied; another institution hears nothing', async () => {
    const mine = await follow(stack.urls.reporting!, stack.readerKey);
    expect(mine.status).toBe(200);
    await expectEventually(() => expect(mine.changes).toEqual([{ institution: stack.institution, asOf: null, eventsApplied: 0 }]));

    const other = 'OTHER' + stack.institution.slice(1, 8);
    const otherReader = (await stack.keys.create({ role: 'reader', services: ['reporting'], institution: other })).key;
    const theirs = await follow(stack.urls.reporting!, otherReader);
    await expectEventually(() => expect(theirs.changes).toHaveLength(1));

    expect((await stack.enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM)).status).toBe(201);
    expect((await stack.enrollment.post('/enrollments', FIRST_ENROLLMENT)).status).toBe(201);
    await expectEventually(() => expect(mine.changes.at(-1)).toMatchObject({ institution: stack.institution, eventsApplied: 2 }));
    expect(mine.changes.at(-1)!.asOf).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/));
    // What the stream said is what the reports say.
    const overview = await httpClient(stack.urls.reporting!, stack.readerKey).get('/reports/freshness');
    expect(overview.body).toMatchObject({ eventsApplied: 2, asOf: mine.changes.at(-1)!.asOf });
    // Changes only grow, and the other institution's stream heard nothing of them.
    const applied = mine.changes.map((c) => c.eventsApplied);
    expect(applied).toEqual([...applied].sort((a, b) => a - b));
    expect(theirs.changes).toEqual([{ institution: other, asOf: null, eventsApplied: 0 }]);
    mine.close();
    theirs.close();
  });

  it('goes on after the database dropped its connections', async () => {
    const mine = await follow(stack.urls.reporting!, stack.readerKey);
    await expectEventually(() => expect(mine.changes).toHaveLength(1));
    const before = mine.changes[0]!.eventsApplied;
    const admin = new Client({ connectionString: stack.databases.reporting });
    await admin.connect();
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await admin.end();
    expect((await stack.enrollment.post('/enrollments', Object.assign({}, FIRST_ENROLLMENT, { studentId: '2022777' }))).status).toBe(201);
    await expectEventually(() => expect(mine.changes.at(-1)!.eventsApplied).toBe(before + 1));
    mine.close();
  });

  it('needs a reader key of the institution', async () => {
    expect((await follow(stack.urls.reporting!, 'cjk_000000000000_' + 'a'.repeat(43))).status).toBe(401);
    expect((await follow(stack.urls.reporting!, stack.writerKey)).status).toBe(403);
  });

  it('a stopping service ends its open streams', async () => {
    const open = await follow(stack.urls.reporting!, stack.readerKey);
    await expectEventually(() => expect(open.changes.length).toBeGreaterThan(0));
    // stop() resolves only once the HTTP server has closed, which an open stream would hold.
    await stack.stop('reporting');
  });
});

/** The cap on open streams per key, on a stack of its own: the streams it opens and refuses stay apart from the file's other tests. */
describe('report streams per key (real PostgreSQL and RabbitMQ)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['reporting'] });
  });
  afterAll(() => stack?.close());

  it('a key holds at most REPORT_STREAMS_PER_KEY (8) streams: one more is 429 too_many_streams with Retry-After; a closed one frees its slot', async () => {
    const key = (await stack.keys.create({ role: 'reader', services: ['reporting'], institution: stack.institution })).key;
    const url = stack.urls.reporting!;
    const streams = await Promise.all(Array.from({ length: 8 }, () => follow(url, key)));
    expect(streams.map((s) => s.status)).toEqual(Array(8).fill(200));
    const refused = await fetch(`${url}/reports/stream`, { headers: { authorization: `Bearer ${key}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    const body = (await refused.json()) as { error: string; message: string };
    expect(body.error).toBe('too_many_streams');
    expect(body.message).toMatch(/^此密钥已打开 8 个报表推送流（REPORT_STREAMS_PER_KEY）/);
    // Another key of the institution has slots of its own.
    const other = await follow(url, stack.readerKey);
    expect(other.status).toBe(200);
    other.close();

    streams[0]!.close();
    const again = await expectEventually(async () => {
      const s = await follow(url, key);
      if (s.status !== 200) s.close();
      expect(s.status).toBe(200);
      return s;
    });
    const ninth = await follow(url, key);
    expect(ninth.status).toBe(429);
    for (const s of [...streams, again, ninth]) s.close();
    // Every slot comes back once the streams are closed.
    const all = await expectEventually(async () => {
      const reopened = await Promise.all(Array.from({ length: 8 }, () => follow(url, key)));
      const statuses = reopened.map((s) => s.status);
      if (statuses.some((st) => st !== 200)) for (const s of reopened) s.close(); // try again with every slot free
      expect(statuses).toEqual(Array(8).fill(200));
      return reopened;
    });
    for (const s of all) s.close();
  });
});
