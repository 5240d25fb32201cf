import { isLostRace, pgErrorCode } from './pg-errors';

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
});
