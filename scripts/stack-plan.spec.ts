import { stackPlan } from './stack-plan';

describe('stackPlan', () => {
  it('puts every service on the ports of DESIGN.md and its own database on the local server by default', () => {
    const plan = stackPlan({});
    expect(plan.apps.enrollment).toEqual({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/enrollment', port: 3001 });
    expect(plan.apps.reporting).toEqual({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/reporting', port: 3005 });
    expect(plan.authDatabaseUrl).toBe('postgres://postgres@127.0.0.1:5432/chanjiao_auth');
  });

  it('takes the server from DATABASE_URL and a service database or port from its own variable', () => {
    const plan = stackPlan({
      DATABASE_URL: 'postgres://app@db.example:6543/postgres',
      PLACEMENT_DATABASE_URL: 'postgresql://other@db2:5432/placement_staging',
      ALLIANCE_PORT: '4004',
      AUTH_DATABASE_URL: 'postgres://app@db.example:6543/keys',
    });
    expect(plan.apps.enrollment.databaseUrl).toBe('postgres://app@db.example:6543/enrollment');
    expect(plan.apps.placement.databaseUrl).toBe('postgresql://other@db2:5432/placement_staging');
    expect(plan.apps.alliance.port).toBe(4004);
    expect(plan.apps.partnership.port).toBe(3003);
    expect(plan.authDatabaseUrl).toBe('postgres://app@db.example:6543/keys');
  });

  it.each([
    [{ ENROLLMENT_PORT: 'abc' }, 'ENROLLMENT_PORT must be a port number (1–65535), got "abc"'],
    [{ REPORTING_PORT: '70000' }, 'REPORTING_PORT must be a port number (1–65535), got "70000"'],
    [{ PLACEMENT_PORT: '' }, 'PLACEMENT_PORT must be a port number (1–65535), got ""'],
    [{ PARTNERSHIP_DATABASE_URL: 'mysql://x/y' }, 'PARTNERSHIP_DATABASE_URL must be a postgres:// URL, got "mysql://x/y"'],
    [{ DATABASE_URL: 'localhost:5432' }, 'DATABASE_URL must be a postgres:// URL, got "localhost:5432"'],
    [{ AUTH_DATABASE_URL: 'not a url' }, 'AUTH_DATABASE_URL must be a postgres:// URL, got "not a url"'],
    [{ ENROLLMENT_PORT: '3005' }, 'REPORTING_PORT and ENROLLMENT_PORT are both 3005: each service needs its own port'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => stackPlan(env)).toThrow(message);
  });
});
