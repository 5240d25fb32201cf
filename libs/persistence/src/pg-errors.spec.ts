import { isLostRace, isStalePlan, isWorthRunningAgain, pgErrorCode } from './pg-errors';

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
