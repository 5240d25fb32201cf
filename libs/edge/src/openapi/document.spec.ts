import { toProblem } from '../error-body';
import { completeDocument } from './document';
import { errorsOf } from './problems';

const doc = () => ({
  info: { title: 't', version: '1' },
  paths: {
    '/health': { get: { responses: { '200': { description: 'ok' } } } },
    '/things/{id}': {
      put: {
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
        responses: { '409': { description: 'thing_exists: mine' } },
      },
    },
    '/things:batch': {
      post: {
        requestBody: { content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Bare' } } } } },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['name', 'kind'],
        properties: { name: { type: 'string', example: '石油化工' }, kind: { type: 'string', enum: ['a', 'b'] }, note: { type: 'string' } },
      },
      Bare: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    },
  },
});

describe('completeDocument', () => {
  it('declares the errors of each keyed operation as problems, keeping a declared one’s words; the probes none', () => {
    const d = doc();
    completeDocument(d);
    const put = d.paths['/things/{id}'].put.responses as Record<string, { description: string; content?: Record<string, unknown> }>;
    expect(Object.keys(put).sort()).toEqual(['400', '401', '403', '404', '408', '409', '413', '415', '429', '503']);
    expect(put['409']).toMatchObject({
      description: 'thing_exists: mine',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(put['404']!.content!['application/problem+json']).toMatchObject({ example: { status: 404, instance: '/things/X1' } });
    expect(Object.keys(d.paths['/health'].get.responses)).toEqual(['200']);
    expect(d.paths['/health'].get).toMatchObject({ security: [] });
    expect(d.components.schemas).toHaveProperty('Problem');
  });

  it('makes a body example from its properties’ examples, and none when a required property has none', () => {
    const d = doc();
    completeDocument(d);
    expect(d.paths['/things/{id}'].put.requestBody.content['application/json']).toMatchObject({ example: { name: '石油化工', kind: 'a' } });
    expect(d.paths['/things:batch'].post.requestBody.content['application/json']).not.toHaveProperty('example');
  });

  it('gives a batch no 409 (each item answers its own) and an import 415', () => {
    expect(errorsOf('/things:batch', 'post', {})).not.toContain('409');
    expect(errorsOf('/imports/{entity}', 'post', {})).toEqual(expect.arrayContaining(['404', '409', '415']));
    expect(errorsOf('/things', 'get', {})).toEqual(['400', '401', '403', '408', '413', '429', '503']);
  });
});

describe('toProblem', () => {
  it('is an RFC 9457 problem that keeps the fields clients read before', () => {
    const body = {
      statusCode: 409,
      error: 'date_conflict',
      message: '日期冲突 / date conflict',
      errors: [{ field: 'date', message: 'x' }],
      correlationId: 'c',
    };
    expect(toProblem(body, '/enrollments/S1/transfer?x=1')).toEqual({
      type: 'https://chanjiao.dev/problems/date_conflict',
      title: '冲突 / Conflict',
      status: 409,
      detail: '日期冲突 / date conflict',
      instance: '/enrollments/S1/transfer',
      ...body,
    });
  });
});
