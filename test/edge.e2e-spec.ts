import { connect } from 'node:net';
import { httpClient } from '@chanjiao/testing';
import { SECTORS } from '@chanjiao/contracts';
import { PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

/** What came back for a body sent in chunks, and how much of it had been sent by then. */
interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** Bytes of the body written before the answer came (or the connection ended). */
  written: number;
  ms: number;
}

const MiB = 1024 * 1024;
const METRICS_TOKEN = 'prometheus-scrapes-with-this-token';

/**
 * Sends `total` bytes of `fill` as a request body over a plain socket, 64 KiB at a time as the socket drains, and stops
 * writing as soon as an answer begins: the answer to a body refused unread comes long before the body is sent. A
 * socket, not an HTTP client: the server closes the connection after such an answer, and a client failing its next
 * write (EPIPE) would drop the answer it had already received. Without `chunked` the request says its Content-Length.
 */
function sendBody(
  baseUrl: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; total: number; chunked?: boolean; fill?: string },
): Promise<Sent> {
  const url = new URL(path, baseUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string> = { host: url.host, 'content-type': 'application/json', ...opts.headers };
    if (opts.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(opts.total);
    const head = `${opts.method ?? 'POST'} ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    let written = 0;
    let done = false;
    const chunk = Buffer.alloc(64 * 1024, opts.fill ?? '1');
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const text = Buffer.concat(received).toString('utf8');
      const [headText = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = headText.split('\r\n');
      const resHeaders = Object.fromEntries(
        headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      let bodyText = rest.join('\r\n\r\n');
      if (resHeaders['transfer-encoding'] === 'chunked') bodyText = bodyText.replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '');
      let body: unknown = bodyText;
      try {
        body = JSON.parse(bodyText);
      } catch {
        // not JSON
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: resHeaders, body, written, ms: performance.now() - started });
    };
    socket.on('data', (c: Buffer) => {
      received.push(c);
      const text = Buffer.concat(received).toString('utf8');
      const m = /\r\ncontent-length: (\d+)/i.exec(text);
      const at = text.indexOf('\r\n\r\n');
      if (m && at >= 0 && Buffer.byteLength(text.slice(at + 4)) >= Number(m[1])) finish();
    });
    socket.on('error', () => setTimeout(finish, 50));
    socket.on('close', finish);
    const pump = () => {
      while (received.length === 0 && written < opts.total) {
        const n = Math.min(chunk.length, opts.total - written);
        written += n;
        const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
        if (opts.chunked) socket.write(`${n.toString(16)}\r\n`);
        if (opts.chunked) socket.write(piece);
        const ok = opts.chunked ? socket.write('\r\n') : socket.write(piece);
        if (!ok) return void socket.once('drain', pump);
      }
      if (received.length === 0 && opts.chunked && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    socket.once('connect', () => {
      socket.write(head);
      pump();
    });
  });
}

describe('the HTTP edge (real services)', () => {
  describe('a service in its own process, with the heap of a deployment', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack({
        services: ['enrollment'],
        processes: true,
        env: {
          NODE_OPTIONS: '--max-old-space-size=160',
          IMPORT_MAX_BYTES: String(2 * MiB),
          CORS_ORIGINS: 'https://dash.example.edu',
          METRICS_TOKEN: METRICS_TOKEN,
        },
      });
    }, 300_000);
    afterAll(() => stack?.close());

    const url = () => stack.urls.enrollment!;
    const auth = () => ({ authorization: `Bearer ${stack.writerKey}` });

    it.each([
      ['a keyed route', '/enrollments', false],
      ['a route that does not exist', '/no-such-route', false],
      ['a keyed route, chunked', '/enrollments', true],
      ['a route that does not exist, chunked', '/no-such-route', true],
    ])(
      '30 MB to %s without a key: 401 at once, unread, while another client is served',
      async (_, path, chunked) => {
        const other = httpClient(url(), stack.writerKey);
        const [refused, served] = await Promise.all([
          sendBody(url(), path, { total: 30 * MiB, chunked }),
          other.put('/programs/ED1', PETROCHEMICAL_PROGRAM),
        ]);
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ error: 'missing_api_key' });
        expect(refused.headers.connection).toBe('close');
        expect(refused.written).toBeLessThan(30 * MiB);
        expect(served.status).toBeLessThan(300);
        // Still alive and serving afterwards.
        expect((await other.get('/programs/ED1')).status).toBe(200);
        expect((await fetch(`${url()}/health/live`)).status).toBe(200);
      },
      60_000,
    );

    it('a bad key is refused before the body the same way', async () => {
      const refused = await sendBody(url(), '/enrollments:batch', { total: 30 * MiB, headers: { authorization: 'Bearer cjk_nope' } });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ error: 'invalid_api_key' });
      expect(refused.written).toBeLessThan(30 * MiB);
    }, 60_000);

    it.each([
      ['a single JSON write', '/enrollments', 1 * MiB, {}],
      ['a batch', '/enrollments:batch', 16 * MiB, {}],
      ['a CSV import', '/imports/programs', 2 * MiB, { 'content-type': 'text/csv' }],
      [
        'an XLSX import',
        '/imports/programs',
        2 * MiB,
        { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      ],
      ['a multipart import', '/imports/programs', 2 * MiB, { 'content-type': 'multipart/form-data; boundary=xyz' }],
      ['a body on a GET', '/programs/ED1', 64 * 1024, { 'content-type': 'text/plain' }],
    ] as Array<[string, string, number, Record<string, string>]>)(
      '%s over its limit (%s, %d bytes): 413 body_too_large up front and when chunked',
      async (_, path, limit, headers) => {
        const method = path === '/programs/ED1' ? 'GET' : 'POST';
        for (const chunked of [false, true]) {
          // A multipart body over the limit, chunked, is held by the multipart file limit: it needs a file part to count.
          if (chunked && path === '/imports/programs' && String(headers['content-type']).startsWith('multipart')) continue;
          // Fastify never reads the body of a GET: a chunked one is dropped as it comes, never held.
          if (chunked && method === 'GET') continue;
          const total = limit + 30 * MiB;
          const r = await sendBody(url(), path, { method, total, chunked, headers: { ...auth(), ...headers } });
          expect({ chunked, status: r.status, error: r.body?.error }).toEqual({ chunked, status: 413, error: 'body_too_large' });
          expect(r.written).toBeLessThan(total);
          expect(r.body.message).toContain(String(limit));
        }
        expect((await fetch(`${url()}/health/live`)).status).toBe(200);
      },
      60_000,
    );

    it('/metrics: 401 without a key, 403 for a writer, 200 for an admin key and for the METRICS_TOKEN', async () => {
      const scrape = (bearer?: string) =>
        fetch(`${url()}/metrics`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        }));
      expect((await scrape()).status).toBe(401);
      expect((await scrape('not-the-token')).status).toBe(401);
      expect((await scrape(stack.writerKey)).status).toBe(403);
      for (const bearer of [stack.adminKey, METRICS_TOKEN]) {
        const r = await scrape(bearer);
        expect(r.status).toBe(200);
        expect(r.text).toContain('http_request_duration_seconds');
      }
    });

    it('a 5,000-item batch of the widest items fits the batch limit', async () => {
      const items = Array.from({ length: 5000 }, (_, i) => ({
        code: `W${String(i).padStart(63, '0')}`,
        name: '石'.repeat(200),
        category: '47',
        cluster: '化'.repeat(200),
        level: 'higher_vocational',
        sectors: [...SECTORS],
        status: 'open',
      }));
      const body = JSON.stringify(items);
      expect(Buffer.byteLength(body)).toBeGreaterThan(4 * MiB); // measured: about 6.6 MB
      const res = await fetch(`${url()}/programs:batch`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBeLessThan(300);
      expect((await httpClient(url(), stack.writerKey).get(`/programs/W${String(4999).padStart(63, '0')}`)).status).toBe(200);
    }, 120_000);
  });
});
