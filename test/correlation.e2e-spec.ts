import { randomBytes } from 'node:crypto';
import { expectEventually } from '@chanjiao/testing';
import { FIRST_ENROLLMENT, startStack, TestStack } from '@chanjiao/test-support';

interface LogLine {
  time: string;
  level: string;
  service: string;
  context?: string;
  msg: string;
  correlationId?: string;
  [field: string]: unknown;
}

/**
 * A request's correlation id (its W3C trace id) is in the structured JSON log line of the HTTP
 * request, in the event it causes (`traceparent`), and in the reporting consumer's line for the read
 * model update, with the services running as processes as in a deployment.
 */
describe('correlation id from HTTP request to reporting update', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment', 'reporting'], processes: true, env: { LOG_LEVEL: 'debug' } });
  }, 180_000);
  afterAll(() => stack?.close(), 60_000);

  const jsonLines = (service: 'enrollment' | 'reporting'): LogLine[] =>
    stack.processes[service]!.lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });
  const withId = (service: 'enrollment' | 'reporting', id: string) => jsonLines(service).filter((l) => l.correlationId === id);

  it('logs are JSON lines of one shape: ISO time, level, service, msg always a string', () => {
    for (const service of ['enrollment', 'reporting'] as const) {
      const lines = stack.processes[service]!.lines.filter((l) => l.trim().length > 0);
      expect(lines.length).toBeGreaterThan(0);
      const json = jsonLines(service);
      expect(json).toHaveLength(lines.length);
      for (const l of json) {
        expect(l).toMatchObject({
          level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/),
          service,
          msg: expect.any(String),
        });
        expect(new Date(l.time).toISOString()).toBe(l.time);
        expect(l).not.toHaveProperty('message');
      }
    }
  });

  it("a caller's traceparent is the correlation id, and one is made when the caller sends none", async () => {
    const traceId = randomBytes(16).toString('hex');
    const program = await fetch(`${stack.urls.enrollment}/programs/460103`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${stack.writerKey}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({
        name: '石油化工技术',
        category: '47',
        level: 'higher_vocational',
        sectors: ['chemical_materials'],
        status: 'open',
      }),
    });
    expect(program.status).toBe(201);
    expect(program.headers.get('x-correlation-id')).toBe(traceId);

    const posted = await stack.enrollment.post('/enrollments', FIRST_ENROLLMENT);
    expect(posted.status).toBe(201);
    const made = posted.headers['x-correlation-id']!;
    expect(made).toMatch(/^[0-9a-f]{32}$/);
    expect(made).not.toBe(traceId);

    await expectEventually(async () => expect((await stack.reporting.get('/reports/overview?year=2022')).body.intake.total).toBe(1));

    for (const [id, route, type] of [
      [traceId, '/programs/:code', 'enrollment.program.opened.v1'],
      [made, '/enrollments', 'enrollment.student.enrolled.v1'],
    ] as const) {
      // The access line is at the default level (info), one per request.
      expect(withId('enrollment', id)).toEqual([
        expect.objectContaining({ level: 'info', msg: 'request', method: expect.any(String), route, status: 201, correlationId: id }),
      ]);
      const applied = await expectEventually(() => {
        const lines = withId('reporting', id);
        expect(lines).toHaveLength(1);
        return lines[0]!;
      });
      expect(applied).toMatchObject({ level: 'debug', msg: 'applied', type, correlationId: id });
    }
  });
});
