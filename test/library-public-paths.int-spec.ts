import { Logger } from '@nestjs/common';
import { expectEventually, useLibraryFastPaths } from '@chanjiao/testing';
import { FIRST_ENROLLMENT, PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

/**
 * The services on the libraries' public APIs (CHANJIAO_LIBRARY_FAST_PATHS=off, README "Library internals"): what a
 * service runs where an installed version is not the one its adapter was verified against. Validation (class-validator),
 * the write's transaction and the projection (pg), the relay and its connection (amqplib) all take their public path.
 */
describe('services with every library adapter on its public path (real PostgreSQL and RabbitMQ)', () => {
  let stack: TestStack;
  let logged: jest.SpyInstance;
  beforeAll(async () => {
    logged = jest.spyOn(Logger.prototype, 'log');
    // In-process services read the switch from this process's env.
    useLibraryFastPaths('off');
    stack = await startStack({ services: ['enrollment', 'reporting'], env: { CHANJIAO_LIBRARY_FAST_PATHS: 'off' } });
  });
  afterAll(async () => {
    logged.mockRestore();
    await stack?.close();
    useLibraryFastPaths('on');
  });

  it('says so once at boot, one line per library naming the installed and verified versions', () => {
    const lines = logged.mock.calls.map(([message]) => String(message)).filter((m) => m.includes('public API path'));
    expect(lines.sort()).toEqual([
      'amqplib: public API path (installed 2.3.1, verified 2.3.1; CHANJIAO_LIBRARY_FAST_PATHS=off)',
      'class-validator: public API path (installed 0.15.1, verified 0.15.1; CHANJIAO_LIBRARY_FAST_PATHS=off)',
      'pg: public API path (installed 8.23.1, verified 8.23.1; CHANJIAO_LIBRARY_FAST_PATHS=off)',
    ]);
  });

  it('refuses a bad body naming the field, writes a good one, and the event reaches the report', async () => {
    expect((await stack.enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM)).status).toBe(201);
    const bad = await stack.enrollment.post('/enrollments', { ...FIRST_ENROLLMENT, cohortYear: '2022' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('cohortYear');
    expect((await stack.enrollment.post('/enrollments', FIRST_ENROLLMENT)).status).toBe(201);
    await expectEventually(async () => {
      const res = await stack.reporting.get('/reports/overview?year=2022');
      expect(res.status).toBe(200);
      expect(res.body.intake).toMatchObject({ total: 1, higherVocational: 1 });
    });
  });
});
