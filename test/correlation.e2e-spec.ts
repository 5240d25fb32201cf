import { randomBytes } from 'node:crypto';
import { expectEventually } from '@chanjiao/testing';
import { FIRST_ENROLLMENT, startStack, TestStack } from '@chanjiao/test-support';

interface LogLine {
  level: string;
  context?: string;
  message: unknown;
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
  const withId = (service: 'enrollment' | 'reporting', id: string) =>
    jsonLines(service).filter((l) => (l.message as { correlationId?: string })?.correlationId === id);

  it('logs are JSON lines', () => {
    const lines = stack.processes.enrollment!.lines.filter((l) => l.trim().length > 0);
    expect(lines.length).toBeGreaterThan(0);
    expect(jsonLines('enrollment')).toHaveLength(lines.length);
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
      expect(withId('enrollment', id).map((l) => l.message)).toEqual([
        expect.objectContaining({ msg: 'request', method: expect.any(String), route, status: 201, correlationId: id }),
      ]);
      const applied = await expectEventually(() => {
        const lines = withId('reporting', id);
        expect(lines).toHaveLength(1);
        return lines[0]!;
      });
      expect(applied).toMatchObject({ level: 'debug', message: { msg: 'applied', type, correlationId: id } });
    }
  });
});
