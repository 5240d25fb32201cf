import { randomUUID } from 'node:crypto';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Client } from 'pg';
import { ACCESS_EXTENSION, Access, SUMS_INSTITUTIONS_EXTENSION, WRITE_SERVICES } from '@chanjiao/auth';
import { expectEventually } from '@chanjiao/testing';
import { startStack, StackService, TestStack } from './support';

/**
 * Role × route × institution against the five real services. The routes come from each service's OpenAPI document
 * (a new route is covered as soon as it exists; one with no access marked, other than health, fails), and the access
 * each needs from the `x-access` its RequireAccess puts there. Every key below is tried on every route: the ones that
 * may gets neither 401 nor 403 (nor a 5xx); the others get exactly the refusal expected, and nothing is written.
 */
const SERVICES: StackService[] = ['enrollment', 'placement', 'partnership', 'alliance', 'reporting'];
/** Routes any client may call (the platform's own). */
const PUBLIC = /^\/health(\/|$)/;

type KeyName =
  | 'none'
  | 'invalid'
  | 'expired'
  | 'revoked'
  | 'writerOfThisService'
  | 'writerOfAnotherService'
  | 'reader'
  | 'admin'
  | 'otherInstitution'
  | 'bureauNamingIt'
  | 'bureauNamingNone'
  | 'bureauNamingBoth';

type Outcome = 'allowed' | 401 | 403 | 'institution_required';

/** What each key gets on a route needing `access` (the rule written out, not computed by the code under test). */
const EXPECTED: Record<KeyName, Record<Access, Outcome>> = {
  none: { write: 401, read: 401, admin: 401 },
  invalid: { write: 401, read: 401, admin: 401 },
  expired: { write: 401, read: 401, admin: 401 },
  revoked: { write: 401, read: 401, admin: 401 },
  writerOfThisService: { write: 'allowed', read: 'allowed', admin: 403 },
  writerOfAnotherService: { write: 403, read: 403, admin: 403 },
  reader: { write: 403, read: 'allowed', admin: 403 },
  admin: { write: 'allowed', read: 'allowed', admin: 'allowed' },
  otherInstitution: { write: 403, read: 403, admin: 403 },
  bureauNamingIt: { write: 'allowed', read: 'allowed', admin: 403 },
  bureauNamingNone: { write: 'institution_required', read: 'institution_required', admin: 403 },
  // `I,O`: only a report (marked x-institutions: several) sums institutions; elsewhere a list names no institution of the key.
  bureauNamingBoth: { write: 403, read: 403, admin: 403 },
};

/** What a key gets on a route: as EXPECTED, but a bureau naming both of its institutions may read the reports that sum them. */
function expectedOn(name: KeyName, route: Route, access: Access): Outcome {
  if (name === 'bureauNamingBoth' && route.sums && access === 'read') return 'allowed';
  return EXPECTED[name][access];
}
const UNAUTHORIZED_CODE: Partial<Record<KeyName, string>> = {
  none: 'missing_api_key',
  invalid: 'invalid_api_key',
  expired: 'expired_api_key',
  revoked: 'invalid_api_key',
};

interface Route {
  service: StackService;
  method: string;
  path: string;
  access: Access | undefined;
  /** Whether the route sums several institutions (`x-institutions: several`). */
  sums: boolean;
  /** Whether the route acts for every institution at once (`x-institutions: all`): a key of all (`*`) only. */
  all: boolean;
  body: unknown;
  query: string;
}

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  example?: unknown;
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  default?: unknown;
}

/** A request body from the schema: its examples where it has them, so that many writes are valid and would write. */
function sample(schema: Schema | undefined, doc: OpenAPIObject, depth = 0): unknown {
  if (!schema || depth > 6) return {};
  if (schema.$ref) return sample((doc.components?.schemas ?? {})[schema.$ref.split('/').pop()!] as Schema, doc, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'array':
      return [sample(schema.items, doc, depth + 1)];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, p] of Object.entries(schema.properties ?? {})) {
        const property = p.$ref ? ((doc.components?.schemas ?? {})[p.$ref.split('/').pop()!] as Schema) : p;
        if (schema.required?.includes(name) || property.example !== undefined) out[name] = sample(p, doc, depth + 1);
      }
      return out;
    }
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'date' ? '2025-09-01' : schema.format === 'uuid' ? randomUUID() : 'M1';
    case undefined:
    default:
      return {};
  }
}

function routesOf(service: StackService, doc: OpenAPIObject): Route[] {
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
      const parameters = (op.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const p = parameters.find((x) => x.in === 'path' && x.name === name);
        return encodeURIComponent(
          String(p?.schema?.format === 'uuid' || /importId/.test(name) ? randomUUID() : name === 'entity' ? 'programs' : 'M1'),
        );
      });
      // Required query parameters from their schema; `institution` is left to the key (the matrix is about it).
      const query = parameters
        .filter((p) => p.in === 'query' && p.required && p.name !== 'institution')
        .map((p) => `${p.name}=${encodeURIComponent(String(p.schema?.example ?? (p.schema?.type === 'string' ? '2025' : 2025)))}`)
        .join('&');
      const content = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content;
      routes.push({
        service,
        method: method.toUpperCase(),
        path: concrete,
        access: op[ACCESS_EXTENSION] as Access | undefined,
        sums: op[SUMS_INSTITUTIONS_EXTENSION] === 'several',
        all: op[SUMS_INSTITUTIONS_EXTENSION] === 'all',
        body: content?.['application/json'] ? sample(content['application/json'].schema, doc) : undefined,
        query: query ? `?${query}` : '',
      });
    }
  }
  return routes;
}

interface Answer {
  status: number;
  error?: string;
}

/** One request; a body that is not JSON (a report stream, a CSV template) is not read, only its status. */
async function call(base: string, route: Route, key: string | undefined, institution?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  if (institution !== undefined) headers['x-institution'] = institution;
  if (route.body !== undefined) headers['content-type'] = 'application/json';
  const abort = new AbortController();
  const res = await fetch(`${base}${route.path}${route.query}`, {
    method: route.method,
    headers,
    body: route.body === undefined ? undefined : JSON.stringify(route.body),
    signal: abort.signal,
  });
  if (!(res.headers.get('content-type') ?? '').includes('json')) {
    abort.abort();
    return { status: res.status };
  }
  const body = (await res.json().catch(() => undefined)) as { error?: string } | undefined;
  return { status: res.status, error: body?.error };
}

/** Rows in every table of a service's database (what a refused write must leave as it was). */
async function rowCounts(url: string): Promise<Record<string, number>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: tables } = await c.query<{ t: string }>(
      `SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'outbox_pending')`,
    );
    const out: Record<string, number> = {};
    for (const { t } of tables) out[t] = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
    return out;
  } finally {
    await c.end();
  }
}

describe('authorization matrix: every route of every service × key × institution', () => {
  let stack: TestStack;
  let routes: Route[];
  const other = `O${randomUUID().slice(0, 6).toUpperCase()}`;
  /** Per service, the key each name stands for, and whether it names the institution (X-Institution). */
  const keysFor: Partial<Record<StackService, Record<KeyName, { key?: string; id?: string; institution?: string }>>> = {};
  let adminOfAll: string;

  beforeAll(async () => {
    stack = await startStack({ services: SERVICES });
    const I = stack.institution;
    const create = async (input: Parameters<TestStack['keys']['create']>[0]) => stack.keys.create(input);
    const shared = {
      invalid: { key: `cjk_${'x'.repeat(12)}_${'A'.repeat(43)}` },
      expired: await create({ role: 'admin', services: ['*'], institution: I, expiresAt: new Date(Date.now() - 1000) }),
      revoked: await create({ role: 'admin', services: ['*'], institution: I }),
      reader: await create({ role: 'reader', services: ['reporting'], institution: I }),
      admin: await create({ role: 'admin', services: ['*'], institution: I }),
    };
    await stack.keys.revoke(shared.revoked.id);
    adminOfAll = (await create({ role: 'admin', services: ['*'], institutions: ['*'] })).key;
    for (const service of SERVICES) {
      const writes = service !== 'reporting';
      const another = WRITE_SERVICES.find((s) => s !== service)!;
      // On reporting, a reader stands for "this service's" key: nothing writes there.
      const own = (institutions: string[]) =>
        create(writes ? { role: 'writer', services: [service], institutions } : { role: 'reader', services: ['reporting'], institutions });
      const bureau = await own([I, other]);
      keysFor[service] = {
        none: {},
        invalid: shared.invalid,
        expired: shared.expired,
        revoked: shared.revoked,
        writerOfThisService: await own([I]),
        writerOfAnotherService: await create({ role: 'writer', services: [another], institution: I }),
        reader: shared.reader,
        admin: shared.admin,
        otherInstitution: Object.assign(await own([other]), { institution: I }),
        bureauNamingIt: Object.assign({}, bureau, { institution: I }),
        bureauNamingNone: bureau,
        bureauNamingBoth: Object.assign({}, bureau, { institution: `${I},${other}` }),
      };
    }
    routes = SERVICES.flatMap((s) => routesOf(s, SwaggerModule.createDocument(stack.apps[s]!, new DocumentBuilder().build())));
  }, 180_000);
  afterAll(() => stack?.close());

  it('finds the routes of every service, each marked with the access it needs', () => {
    for (const s of SERVICES) expect(routes.filter((r) => r.service === s && r.access).length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.path === '/audit')).toHaveLength(SERVICES.length);
    const unmarked = routes.filter((r) => !r.access && !PUBLIC.test(r.path)).map((r) => `${r.service} ${r.method} ${r.path}`);
    expect(unmarked).toEqual([]);
    // The reports, and only reads of reporting, sum several institutions.
    const sums = routes.filter((r) => r.sums);
    expect(sums.map((r) => r.path)).toEqual(expect.arrayContaining(['/reports/overview', '/reports/quality-report', '/reports/stream']));
    expect(sums.filter((r) => r.service !== 'reporting' || r.access !== 'read')).toEqual([]);
  });

  it('refuses every key that may not, with the answer expected, and writes nothing', async () => {
    const before = await Promise.all(SERVICES.map((s) => rowCounts(stack.databases[s]!)));
    const wrong: string[] = [];
    for (const route of routes) {
      if (!route.access) continue;
      const keys = keysFor[route.service]!;
      for (const [name, k] of Object.entries(keys) as Array<[KeyName, { key?: string; institution?: string }]>) {
        const expected = expectedOn(name, route, route.access);
        if (expected === 'allowed') continue;
        const got = await call(stack.urls[route.service]!, route, k.key, k.institution);
        const ok =
          expected === 'institution_required'
            ? got.status === 400 && got.error === 'institution_required'
            : got.status === expected && (expected !== 401 || got.error === UNAUTHORIZED_CODE[name]);
        if (!ok)
          wrong.push(`${route.service} ${route.method} ${route.path} as ${name}: ${got.status} ${got.error ?? ''}, expected ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
    const after = await Promise.all(SERVICES.map((s) => rowCounts(stack.databases[s]!)));
    expect(after).toEqual(before);
  }, 300_000);

  it('lets every key that may through (2xx, or a 4xx of its own that is not 401/403), and the valid writes write', async () => {
    const before = await Promise.all(SERVICES.map((s) => rowCounts(stack.databases[s]!)));
    const wrong: string[] = [];
    let succeeded = 0;
    for (const route of routes) {
      const keys = keysFor[route.service]!;
      for (const [name, k] of Object.entries(keys) as Array<[KeyName, { key?: string; institution?: string }]>) {
        if (route.access && expectedOn(name, route, route.access) !== 'allowed') continue;
        const got = await call(stack.urls[route.service]!, route, k.key, k.institution);
        if (got.status < 300) succeeded++;
        // A route for every institution at once (a rebuild) refuses an admin key of some, by scope (no key here is of all).
        if (route.all) {
          if (got.status !== 403 || !got.error?.endsWith('needs_all_institutions'))
            wrong.push(`${route.service} ${route.method} ${route.path} as ${name}: ${got.status} ${got.error ?? ''}, expected 403`);
          continue;
        }
        if (got.status === 401 || got.status === 403 || got.status >= 500)
          wrong.push(`${route.service} ${route.method} ${route.path} as ${name}: ${got.status} ${got.error ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(succeeded).toBeGreaterThan(routes.length);
    // The bodies are valid for some writes of every writing service: the check above of "nothing written" can fail.
    const after = await Promise.all(SERVICES.map((s) => rowCounts(stack.databases[s]!)));
    SERVICES.forEach((s, i) => {
      if (s !== 'reporting') expect({ s, outbox: after[i]!.outbox }).not.toEqual({ s, outbox: before[i]!.outbox });
    });
  }, 300_000);

  it('refuses a revoked key and an expired one at once, though each was just verified and cached', async () => {
    const api = stack.urls.enrollment!;
    const route: Route = {
      service: 'enrollment',
      method: 'GET',
      path: '/programs',
      access: 'write',
      sums: false,
      all: false,
      body: undefined,
      query: '',
    };
    const revoked = await stack.keys.create({ role: 'writer', services: ['enrollment'], institution: stack.institution });
    expect((await call(api, route, revoked.key)).status).toBe(200);
    await stack.keys.revoke(revoked.id);
    // "At once" is as soon as the revocation's NOTIFY reaches the service (milliseconds; it races the next request
    // only on a loaded machine), never a cache's lifetime: a few tries, 10 ms apart, with no other wait.
    await expectEventually(async () => expect(await call(api, route, revoked.key)).toEqual({ status: 401, error: 'invalid_api_key' }), {
      timeoutMs: 3000,
      intervalMs: 10,
    });

    const expiresAt = new Date(Date.now() + 1000);
    const expiring = await stack.keys.create({ role: 'writer', services: ['enrollment'], institution: stack.institution, expiresAt });
    expect((await call(api, route, expiring.key)).status).toBe(200);
    await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 5));
    expect(await call(api, route, expiring.key)).toEqual({ status: 401, error: 'expired_api_key' });

    // Rotation: old and new both valid during the changeover, then the old one expires on its own.
    const old = await stack.keys.create({ role: 'writer', services: ['enrollment'], institution: stack.institution });
    expect((await call(api, route, old.key)).status).toBe(200);
    const rotated = (await stack.keys.rotate(old.id, 1000))!;
    expect((await call(api, route, rotated.key)).status).toBe(200);
    expect((await call(api, route, old.key)).status).toBe(200);
    await new Promise((r) => setTimeout(r, rotated.oldExpiresAt.getTime() - Date.now() + 5));
    expect(await call(api, route, old.key)).toEqual({ status: 401, error: 'expired_api_key' });
    expect((await call(api, route, rotated.key)).status).toBe(200);
  });

  it("reports take the institution by the same rule: ?institution= or X-Institution, among the key's own", async () => {
    const bureau = keysFor.reporting!.bureauNamingNone.key!;
    const get = async (key: string, query: string, institution?: string) => {
      const headers: Record<string, string> = { authorization: `Bearer ${key}` };
      if (institution) headers['x-institution'] = institution;
      const res = await fetch(`${stack.urls.reporting}/reports/freshness${query}`, { headers });
      return { status: res.status, body: (await res.json()) as { error?: string; errors?: unknown[] } };
    };
    expect((await get(bureau, `?institution=${other}`)).status).toBe(200);
    expect((await get(bureau, '', stack.institution)).status).toBe(200);
    expect(await get(bureau, '')).toMatchObject({
      status: 400,
      body: { error: 'institution_required', errors: [{ field: 'X-Institution' }] },
    });
    expect(await get(bureau, `?institution=${other}`, stack.institution)).toMatchObject({
      status: 400,
      body: { error: 'institution_conflict' },
    });
    expect((await get(bureau, '?institution=NOTOURS')).status).toBe(403);
    expect((await get(adminOfAll, '')).body).toMatchObject({ error: 'institution_required' });
    expect((await get(adminOfAll, '?institution=ANYONE')).status).toBe(200);
    expect((await get(keysFor.reporting!.reader.key!, `?institution=${other}`)).status).toBe(403);
  });

  it('records who wrote: GET /audit names the writing key (never the key) on the write service and, from the event, on reporting', async () => {
    const writer = keysFor.enrollment!.writerOfThisService;
    const code = `A${randomUUID().slice(0, 5).toUpperCase()}`;
    const body = { name: '数控技术', category: '46', level: 'higher_vocational', sectors: ['other'], status: 'open' };
    const put = await fetch(`${stack.urls.enrollment}/programs/${code}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${writer.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(put.status).toBeLessThan(300);
    const audit = async (service: StackService, key: string, query = '') => {
      const res = await fetch(`${stack.urls[service]}/audit${query}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, body: (await res.json()) as { items: Array<Record<string, unknown>>; nextCursor: string | null } };
    };
    const mine = await audit('enrollment', keysFor.enrollment!.admin.key!);
    expect(mine.status).toBe(200);
    const entry = mine.body.items.find((i) => i.subject === code);
    expect(entry).toMatchObject({
      actor: writer.id,
      type: expect.stringMatching(/^enrollment\.program\./),
      institution: stack.institution,
    });
    expect(JSON.stringify(mine.body)).not.toContain(writer.key!);
    await expectEventually(async () => {
      const applied = await audit('reporting', adminOfAll);
      expect(applied.body.items.find((i) => i.subject === code)).toMatchObject({ actor: writer.id, eventId: entry!.eventId });
    });

    // An import's writes carry the key that started it.
    const imported = `C${randomUUID().slice(0, 5).toUpperCase()}`;
    const csv = `code,name,category,level,sectors,status\n${imported},石油化工技术,47,higher_vocational,chemical_materials,open\n`;
    const importing = await fetch(`${stack.urls.enrollment}/imports/programs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer.key}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(importing.status).toBe(200);
    const afterImport = await audit('enrollment', adminOfAll);
    expect(afterImport.body.items.find((i) => i.subject === imported)).toMatchObject({ actor: writer.id });

    // Newest first, a page at a time, to the end.
    const first = await audit('enrollment', adminOfAll, '?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(Date.parse(first.body.items[0]!.at as string)).toBeGreaterThanOrEqual(Date.parse(first.body.items[1]!.at as string));
    const second = await audit('enrollment', adminOfAll, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i) => i.eventId)).not.toContain(first.body.items[0]!.eventId);
    expect(second.body.items.map((i) => i.eventId)).not.toContain(first.body.items[1]!.eventId);
    expect((await audit('enrollment', adminOfAll, '?cursor=bm9wZQ')).status).toBe(400);
    expect((await audit('reporting', adminOfAll, '?limit=0')).status).toBe(400);
    // A write for the other institution (by its own key, naming none): an admin key of all sees it; one of this
    // institution does not, and may not ask for it.
    const theirs = `B${randomUUID().slice(0, 5).toUpperCase()}`;
    const elsewhere = await fetch(`${stack.urls.enrollment}/programs/${theirs}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${keysFor.enrollment!.otherInstitution.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(elsewhere.status).toBeLessThan(300);
    const all = await audit('enrollment', adminOfAll, '?limit=500');
    expect(all.body.items.find((i) => i.subject === theirs)).toMatchObject({
      institution: other,
      actor: keysFor.enrollment!.otherInstitution.id,
    });
    const ours = await audit('enrollment', keysFor.enrollment!.admin.key!, '?limit=500');
    expect(ours.body.items.length).toBeGreaterThan(0);
    expect(ours.body.items.filter((i) => i.institution !== stack.institution)).toEqual([]);
    expect((await audit('enrollment', keysFor.enrollment!.admin.key!, `?institution=${other}`)).status).toBe(403);
  });
});
