import { connect } from 'node:net';
import { expectEventually, httpClient, TcpProxy, testServiceUrls } from '@chanjiao/testing';
import { SECTORS } from '@chanjiao/contracts';
import { metricSamples, PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

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

    it('Expect: 100-continue: the final 401 instead of 100 Continue without a key; 100 Continue once the key passed', async () => {
      const first = (headers: string) =>
        new Promise<string>((resolve) => {
          const socket = connect(Number(new URL(url()).port), '127.0.0.1');
          socket.once('data', (c: Buffer) => {
            resolve(c.toString().split('\r\n')[0]!);
            socket.destroy();
          });
          socket.write(`PUT /programs/CONT1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${headers}\r\n`);
        });
      expect(await first(`expect: 100-continue\r\ncontent-length: ${30 * MiB}\r\n`)).toBe('HTTP/1.1 401 Unauthorized');
      expect(await first(`expect: 100-continue\r\ncontent-length: ${30 * MiB}\r\nauthorization: Bearer ${stack.writerKey}\r\n`)).toBe(
        'HTTP/1.1 413 Payload Too Large',
      );
      expect(await first(`expect: 100-continue\r\ncontent-length: 200\r\nauthorization: Bearer ${stack.writerKey}\r\n`)).toBe(
        'HTTP/1.1 100 Continue',
      );
    });

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

    it('a multipart file over IMPORT_MAX_BYTES, chunked: 413 body_too_large, never a truncated import; nothing written', async () => {
      const boundary = 'edgeboundary';
      // The template's header and example row, the row repeated past the limit.
      const template = await (await fetch(`${url()}/imports/programs/template?format=csv`, { headers: auth() })).text();
      const [header, example] = template.replace(/^\uFEFF/, '').split(/\r?\n/);
      const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.csv"\r\ncontent-type: text/csv\r\n\r\n${header}\r\n`;
      const rows = Buffer.from(`${example}\r\n`);
      const body = Buffer.concat([Buffer.from(head), ...Array.from({ length: Math.ceil((3 * MiB) / rows.length) }, () => rows)]);
      const res = await fetch(`${url()}/imports/programs`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        // A stream: sent chunked, without a Content-Length.
        body: new ReadableStream({
          start(c) {
            c.enqueue(new Uint8Array(body));
            c.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
      const code = example!.split(',')[0]!.replace(/"/g, '');
      expect((await fetch(`${url()}/programs/${code}`, { headers: auth() })).status).toBe(404);
      expect((await fetch(`${url()}/health/live`)).status).toBe(200);
    });

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

    it('security headers on every answer, a content security policy on the /docs page, whose own files all load', async () => {
      const answers = [
        await fetch(`${url()}/programs/ED1`, { headers: auth() }),
        await fetch(`${url()}/programs/ED1`),
        await fetch(`${url()}/no-such-route`, { headers: auth() }),
        await fetch(`${url()}/health/live`),
      ];
      expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 200]);
      for (const r of answers) {
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('referrer-policy')).toBe('no-referrer');
        expect(r.headers.get('x-frame-options')).toBe('DENY');
        expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
        expect(r.headers.get('content-security-policy')).toBeNull();
      }
      const page = await fetch(`${url()}/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      const html = await page.text();
      // Every script is a file of its own ('self'): an inline one would not run under the policy.
      expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
      const assets = [...html.matchAll(/(?:src|href)=["']([^"']+\.(?:js|css|png))["']/g)].map((m) =>
        new URL(m[1]!, `${url()}/docs`).toString(),
      );
      expect(assets.length).toBeGreaterThanOrEqual(4);
      for (const asset of assets) expect({ asset, status: (await fetch(asset)).status }).toEqual({ asset, status: 200 });
    });

    it('the OpenAPI contract lists the edge answers on keyed routes, not on /health', async () => {
      const openapi = (await (await fetch(`${url()}/docs/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      };
      expect(Object.keys(openapi.paths['/programs/{code}']!.put!.responses)).toEqual(expect.arrayContaining(['401', '408', '413', '429']));
      expect(Object.keys(openapi.paths['/health']!.get!.responses)).not.toContain('429');
    });

    it('CORS only for the configured origin', async () => {
      const allowed = 'https://dash.example.edu';
      const get = (origin: string) => fetch(`${url()}/programs/ED1`, { headers: { ...auth(), origin } });
      const ok = await get(allowed);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
      const other = await get('https://evil.example');
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = (origin: string) =>
        fetch(`${url()}/programs/ED1`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type' },
        });
      const pre = await preflight(allowed);
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(pre.headers.get('access-control-allow-methods')).toContain('PUT');
      expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
      const denied = await preflight('https://evil.example');
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      expect(denied.headers.get('access-control-allow-methods')).toBeNull();
    });

    describe('JSON text', () => {
      const program = (over: Record<string, unknown>) => ({ ...PETROCHEMICAL_PROGRAM, ...over });
      const send = (method: string, path: string, body: string | Buffer) =>
        fetch(`${url()}${path}`, { method, headers: { ...auth(), 'content-type': 'application/json' }, body }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as any,
        }));
      const absent = async (path: string) => expect((await fetch(`${url()}${path}`, { headers: auth() })).status).toBe(404);

      it('invalid UTF-8 bytes: 400 invalid_encoding, nothing written', async () => {
        const bad = Buffer.from(JSON.stringify(program({ name: 'A#B' })));
        bad[bad.indexOf('#')] = 0xff;
        const r = await send('PUT', '/programs/UTF1', bad);
        expect(r).toMatchObject({ status: 400, body: { error: 'invalid_encoding', errors: [{ field: 'body' }] } });
        await absent('/programs/UTF1');
      });

      it.each([
        ['a NUL', 'a\u0000b', 'nul'],
        ['a lone surrogate', 'a\ud800b', 'lone_surrogate'],
      ])('%s in a field: 400 invalid_text naming it, in a single write and in a batch; nothing written', async (_, text) => {
        const single = await send('PUT', '/programs/TXT1', JSON.stringify(program({ cluster: text })));
        expect(single).toMatchObject({ status: 400, body: { error: 'invalid_text', errors: [{ field: 'cluster' }] } });
        expect(single.body.message).toMatch(/^cluster /);
        await absent('/programs/TXT1');
        const batch = await send(
          'POST',
          '/programs:batch',
          JSON.stringify([program({ code: 'TXT2' }), program({ code: 'TXT3', name: text })]),
        );
        expect(batch).toMatchObject({ status: 400, body: { error: 'invalid_text', errors: [{ field: '[1].name' }] } });
        await absent('/programs/TXT2');
      });

      it('hostile text is stored and returned verbatim; text too long is refused naming the field', async () => {
        const hostile = [
          "'; DROP TABLE programs; --",
          "1' OR '1'='1",
          '<script>alert(1)</script><img src=x onerror=alert(1)>',
          '石油化工'.repeat(25) + '😀🎓👩‍🎓'.repeat(10),
          '\u202eRTL \u200b zero-width \ufeff BOM',
        ];
        for (const [i, name] of hostile.entries()) {
          const put = await send('PUT', `/programs/H${i}`, JSON.stringify(program({ name })));
          expect({ i, status: put.status }).toEqual({ i, status: 201 });
          const got = await fetch(`${url()}/programs/H${i}`, { headers: auth() });
          expect(got.headers.get('content-type')).toMatch(/^application\/json/);
          expect(((await got.json()) as { name: string }).name).toBe(name);
        }
        const long = await send('PUT', '/programs/LONG1', JSON.stringify(program({ name: '长'.repeat(10_000) })));
        expect(long).toMatchObject({ status: 400, body: { errors: [{ field: 'name' }] } });
        await absent('/programs/LONG1');
      });
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

  describe('rate limits and time-outs (small ones)', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack({
        services: ['enrollment', 'reporting'],
        env: { RATE_LIMIT_PER_KEY: '5:10', RATE_LIMIT_PER_ADDRESS: '2:5', REQUEST_TIMEOUT_MS: '1500' },
      });
    }, 300_000);
    afterAll(() => stack?.close());

    const url = () => stack.urls.enrollment!;
    const get = (bearer?: string) =>
      fetch(`${url()}/programs/NONE`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }).then(async (r) => ({
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        body: (await r.json()) as any,
      }));
    const otherWriter = async () =>
      (await stack.keys.create({ role: 'writer', services: ['enrollment'], institution: stack.institution })).key;

    it('a key over its rate: 429 rate_limited with Retry-After, while another key is served; one warning, not one a request', async () => {
      const other = await otherWriter();
      const written: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      const answers = await Promise.all(Array.from({ length: 20 }, () => get(stack.writerKey))).finally(() => write.mockRestore());
      expect(written.filter((l) => l.includes('rate limit: key'))).toHaveLength(1);
      const limited = answers.filter((a) => a.status === 429);
      expect(answers.filter((a) => a.status === 404).length).toBeGreaterThanOrEqual(10);
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(limited[0]!.body).toMatchObject({ error: 'rate_limited' });
      expect(Number(limited[0]!.retryAfter)).toBeGreaterThanOrEqual(1);
      expect((await get(other)).status).toBe(404);
    });

    it('bad and missing keys from one address: 401, then 429 with Retry-After, while a good key from it is served', async () => {
      const other = await otherWriter();
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push(await get(i % 2 ? 'cjk_not_a_key' : undefined));
      expect(answers.slice(0, 5).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
      expect(answers.slice(5).every((a) => a.status === 429 && Number(a.retryAfter) >= 1)).toBe(true);
      expect((await get(other)).status).toBe(404);
    });

    it('counts what it limited in chanjiao_http_rate_limited_total', async () => {
      const text = await stack.scrape('enrollment');
      const count = (kind: string) =>
        metricSamples(text, 'chanjiao_http_rate_limited_total').find((s) => s.labels.kind === kind)?.value ?? 0;
      expect(count('key')).toBeGreaterThanOrEqual(5);
      expect(count('address')).toBeGreaterThanOrEqual(5);
    });

    it('a body that stops coming: 408 request_timeout after REQUEST_TIMEOUT_MS; a report stream stays open past it', async () => {
      const other = await otherWriter();
      const started = performance.now();
      const stalled = await new Promise<string>((resolve) => {
        const socket = connect(Number(new URL(url()).port), '127.0.0.1');
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', () => undefined);
        socket.write(
          `PUT /programs/SLOW HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${other}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"na`,
        );
      });
      expect(stalled).toMatch(/^HTTP\/1\.1 408/);
      expect(stalled).toContain('request_timeout');
      expect(performance.now() - started).toBeGreaterThanOrEqual(1400);

      const abort = new AbortController();
      const res = await fetch(`${stack.urls.reporting}/reports/stream`, {
        headers: { authorization: `Bearer ${stack.readerKey}` },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read(); // the first change, at the start
      const ended = reader.read().then((r) => r.done);
      const outcome = await Promise.race([ended, new Promise((r) => setTimeout(() => r('open'), 3500))]);
      expect(outcome).toBe('open');
      abort.abort();
      await ended.catch(() => undefined);
    }, 30_000);
  });

  describe('the keys database away', () => {
    let stack: TestStack;
    let proxy: TcpProxy;
    beforeAll(async () => {
      const server = new URL(testServiceUrls().postgresUrl);
      proxy = await new TcpProxy(server.hostname, Number(server.port || 5432)).start();
      stack = await startStack({ services: ['enrollment'], authDatabaseUrlFor: (u) => proxy.url(u) });
    }, 300_000);
    afterAll(async () => {
      await proxy?.restore();
      await stack?.close();
      await proxy?.stop();
    });

    it('a key that cannot be checked is 503 database_unavailable with Retry-After, never a 500; served again once it is back', async () => {
      expect((await stack.enrollment.get('/programs/NONE')).status).toBe(404);
      await proxy.cut();
      const away = await expectEventually(async () => {
        const r = await stack.enrollment.get('/programs/NONE');
        expect(r.status).toBe(503);
        return r;
      });
      expect(away.body).toMatchObject({ error: 'database_unavailable' });
      expect(away.headers['retry-after']).toBeDefined();
      await proxy.restore();
      await expectEventually(async () => expect((await stack.enrollment.get('/programs/NONE')).status).toBe(404));
    }, 60_000);
  });
});
