import { isDatabaseUnavailable, isLostRace, isStalePlan, isWorthRunningAgain, pgErrorCode } from './pg-errors';

describe('PostgreSQL error predicates', () => {
  it('reads the SQLSTATE from node-postgres errors and from TypeORM wrappers', () => {
    expect(pgErrorCode({ code: '40001' })).toBe('40001');
    expect(pgErrorCode({ code: 'EQUERY', driverError: { code: '40P01' } })).toBe('40P01');
    expect(pgErrorCode(new Error('no code'))).toBeUndefined();
    expect(pgErrorCode(undefined)).toBeUndefined();
  });

  it('counts a unique violation as a lost race only when asked', () => {
    expect(isLostRace({ code: '40001' })).toBe(true);
    expect(isLostRace({ driverError: { code: '40P01' } })).toBe(true);
    expect(isLostRace({ code: '23505' })).toBe(false);
    expect(isLostRace({ code: '23505' }, { uniqueViolation: true })).toBe(true);
    expect(isLostRace({ code: '23503' }, { uniqueViolation: true })).toBe(false);
  });

  it('tells a statement prepared before its result changed from other unsupported features', () => {
    const stale = { code: '0A000', message: 'cached plan must not change result type' };
    expect(isStalePlan(stale)).toBe(true);
    expect(isStalePlan({ code: 'EQUERY', driverError: stale })).toBe(true);
    // The message in the server's language: the routine that raised it still tells.
    expect(isStalePlan({ code: '0A000', routine: 'RevalidateCachedQuery', message: '缓存的计划不能改变结果类型' })).toBe(true);
    expect(isStalePlan({ code: '0A000', message: 'cannot use a column of a view here' })).toBe(false);
    expect(isStalePlan({ code: '42P01', message: 'cached plan must not change result type' })).toBe(false);
    expect(isWorthRunningAgain(stale)).toBe(true);
    expect(isWorthRunningAgain({ code: '23505' }, { uniqueViolation: true })).toBe(true);
    expect(isWorthRunningAgain({ code: '23505' })).toBe(false);
  });
});

describe('isDatabaseUnavailable', () => {
  it('knows the database is away, whatever says so', () => {
    for (const code of ['08006', '08001', '08P01', '57P01', '57P02', '57P03', '53300', '53100', '25006', '57014', '58030'])
      expect([code, isDatabaseUnavailable({ code })]).toEqual([code, true]);
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])
      expect([code, isDatabaseUnavailable(Object.assign(new Error(code), { code }))]).toEqual([code, true]);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
  });

  it('looks through TypeORM wrappers, causes and the AggregateError of a connection attempt', () => {
    expect(isDatabaseUnavailable({ code: 'EQUERY', driverError: { code: '57P01' } })).toBe(true);
    expect(isDatabaseUnavailable(new Error('batch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }))).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(new AggregateError([refused, refused]))).toBe(true);
  });

  it('leaves the work’s own faults to the work', () => {
    for (const code of ['23505', '23503', '22P02', '40001', '42P01', '0A000']) expect(isDatabaseUnavailable({ code })).toBe(false);
    // A server verdict is not overruled by its wording.
    expect(isDatabaseUnavailable({ code: '22023', message: 'Connection terminated in a string' })).toBe(false);
    expect(isDatabaseUnavailable(new Error('projection cannot apply x'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isDatabaseUnavailable(loop)).toBe(false);
  });
});
