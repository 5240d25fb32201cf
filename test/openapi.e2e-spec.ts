import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startStack, StackService, TestStack } from './support';

const SERVICES: StackService[] = ['enrollment', 'placement', 'partnership', 'alliance', 'reporting'];
/** Routes without a key (the probes): they answer no error of their own. */
const PUBLIC = /^\/health(\/|$)/;
/** What every keyed operation can answer whatever it does: the edge's refusals, validation, the database away (a stream never times out). */
const EVERY_OPERATION = ['400', '401', '403', '408', '413', '429', '503'];
const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

interface Media {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, unknown>;
}
interface Operation {
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { content?: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}
const operations = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

/**
 * The API contract each service serves at /docs/openapi.json, as integrators read it: every error an operation can give
 * declared with the shared problem schema, an example on every request body, the documents passing the OpenAPI lint
 * (Redocly CLI, ruleset redocly.yaml), and the errors served as the problems the documents describe.
 * `OPENAPI_OUT=dir` keeps the documents there.
 */
describe('OpenAPI documents and problem answers', () => {
  let stack: TestStack;
  const docs: Partial<Record<StackService, Document>> = {};

  beforeAll(async () => {
    stack = await startStack({ services: SERVICES });
    for (const s of SERVICES) docs[s] = (await (await fetch(`${stack.urls[s]}/docs/openapi.json`)).json()) as Document;
  }, 180_000);
  afterAll(() => stack?.close());

  it('declares on every keyed operation the errors it can give, each a Problem', () => {
    const wrong: string[] = [];
    let declared = 0;
    for (const s of SERVICES) {
      expect(docs[s]!.components.schemas.Problem).toMatchObject({
        required: expect.arrayContaining(['type', 'title', 'status', 'detail']),
      });
      for (const { path, method, op } of operations(docs[s]!)) {
        if (PUBLIC.test(path)) continue;
        const expected = [
          ...EVERY_OPERATION.filter((status) => status !== '408' || path !== '/reports/stream'),
          ...(/\{\w+\}/.test(path) ? ['404'] : []),
        ];
        for (const status of expected) if (!op.responses?.[status]) wrong.push(`${s} ${method} ${path}: no ${status}`);
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          if (!/^[45]/.test(status)) continue;
          declared++;
          if (JSON.stringify(response.content?.['application/problem+json']?.schema) !== JSON.stringify(PROBLEM_REF))
            wrong.push(`${s} ${method} ${path}: ${status} is not a Problem`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(declared).toBeGreaterThan(115 * EVERY_OPERATION.length);
    // A hand-written answer keeps its words and gains the schema.
    const rebuild = docs.reporting!.paths['/admin/rebuild']!.post!.responses!['409']!;
    expect(rebuild).toMatchObject({ description: expect.stringContaining('rebuild_running'), content: { 'application/problem+json': {} } });
    expect(docs.enrollment!.paths['/programs/{code}']!.put!.responses).toHaveProperty('409');
    expect(docs.enrollment!.paths['/programs/{code}']!.get!.responses).toHaveProperty('404');
  });

  it('has an example on every request body', () => {
    const missing: string[] = [];
    let bodies = 0;
    for (const s of SERVICES)
      for (const { path, method, op } of operations(docs[s]!))
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          bodies++;
          if (media.example === undefined && media.examples === undefined) missing.push(`${s} ${method} ${path} (${type})`);
        }
    expect(missing).toEqual([]);
    expect(bodies).toBeGreaterThan(50);
  });

  it('passes the OpenAPI lint (redocly.yaml)', async () => {
    const dir = process.env.OPENAPI_OUT ?? mkdtempSync(join(tmpdir(), 'openapi-'));
    const files = SERVICES.map((s) => {
      const file = join(dir, `${s}.json`);
      writeFileSync(file, JSON.stringify(docs[s], null, 2));
      return file;
    });
    try {
      const cli = require.resolve('@redocly/cli/bin/cli.js');
      const lint = await promisify(execFile)(
        process.execPath,
        [cli, 'lint', '--config', join(__dirname, '..', 'redocly.yaml'), '--format=stylish', ...files],
        {
          // Offline: no telemetry, no check for a newer version.
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
          maxBuffer: 16 * 1024 * 1024,
        },
      ).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}\nlint failed` }));
      const output = `${lint.stdout}${lint.stderr}`;
      // Stylish lines are `line:column  error|warning  rule  message`; none may be left.
      expect(output.split('\n').filter((l) => /^\s*\d+:\d+\s+(error|warning)\b/.test(l) || l.includes('lint failed'))).toEqual([]);
    } finally {
      if (!process.env.OPENAPI_OUT) rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('answers errors as application/problem+json, in the documented schema, from the filter and from the edge', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schemas = docs.enrollment!.components.schemas;
    ajv.addSchema(schemas.FieldError!, '#/components/schemas/FieldError');
    const valid = ajv.compile(schemas.Problem!);
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${stack.urls.enrollment}${path}`, init);
      return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
    };
    const writer = { authorization: `Bearer ${stack.writerKey}`, 'content-type': 'application/json' };
    const answers = {
      validation: await call('/programs/PX1', { method: 'PUT', headers: writer, body: JSON.stringify({ name: 5 }) }),
      notFound: await call('/programs/NOPE?x=1', { headers: writer }),
      noKey: await call('/programs'),
      malformed: await call('/programs/PX1', { method: 'PUT', headers: writer, body: '{' }),
    };
    for (const [name, a] of Object.entries(answers)) {
      expect({ name, type: a.type }).toEqual({ name, type: 'application/problem+json; charset=utf-8' });
      expect({ name, valid: valid(a.body), errors: ajv.errorsText(valid.errors) }).toEqual({ name, valid: true, errors: 'No errors' });
      expect(a.body).toMatchObject({
        type: `https://chanjiao.dev/problems/${a.body.error as string}`,
        status: a.status,
        statusCode: a.status,
        detail: a.body.message,
        correlationId: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
    }
    expect(answers.validation).toMatchObject({
      status: 400,
      body: {
        error: 'validation_failed',
        title: '请求无效 / Bad Request',
        instance: '/programs/PX1',
        errors: expect.arrayContaining([{ field: 'name', message: expect.any(String) }]),
      },
    });
    expect(answers.notFound).toMatchObject({
      status: 404,
      body: { error: 'program_not_found', title: '未找到 / Not Found', instance: '/programs/NOPE' },
    });
    expect(answers.noKey).toMatchObject({
      status: 401,
      body: { error: 'missing_api_key', title: '未认证 / Unauthorized', instance: '/programs' },
    });
    expect(answers.malformed).toMatchObject({ status: 400, body: { error: 'malformed_json' } });
  });
});
