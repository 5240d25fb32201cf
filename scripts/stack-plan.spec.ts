import { stackPlan } from './stack-plan';

describe('stackPlan', () => {
  it('puts every service on the ports of DESIGN.md and its own database on the local server by default', () => {
    const plan = stackPlan({});
    expect(plan.apps.enrollment).toEqual({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/enrollment', port: 3001, role: 'enrollment' });
    expect(plan.apps.reporting).toEqual({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/reporting', port: 3005, role: 'reporting' });
    expect(plan.authDatabaseUrl).toBe('postgres://postgres@127.0.0.1:5432/chanjiao_auth');
    expect(plan.auth).toEqual({ owner: 'chanjiao_auth', verifier: 'chanjiao_auth_verifier' });
    expect(plan.bi).toEqual({ role: 'reporting_bi' });
    expect(plan.amqpUrl).toBe('amqp://guest:guest@127.0.0.1:5672');
  });

  it("names each service's role and broker user after its database, and takes the admin passwords apart", () => {
    const plan = stackPlan({
      ENROLLMENT_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/t_start_enrollment_1a2b',
      AUTH_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/t_keys_1a2b',
      DATABASE_URL: 'postgres://postgres@db:5432/postgres',
      DATABASE_PASSWORD: 'admin-password',
      AMQP_URL: 'amqp://admin@mq:5672',
      AMQP_PASSWORD: 'broker-admin-password',
    });
    expect(plan.apps.enrollment.role).toBe('t_start_enrollment_1a2b');
    expect(plan.apps.placement).toEqual({
      databaseUrl: 'postgres://postgres:admin-password@db:5432/placement',
      port: 3002,
      role: 'placement',
    });
    expect(plan.auth).toEqual({ owner: 't_keys_1a2b', verifier: 't_keys_1a2b_verifier' });
    expect(plan.bi).toEqual({ role: 'reporting_bi' });
    expect(plan.amqpUrl).toBe('amqp://admin:broker-admin-password@mq:5672');
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
    [
      { DATABASE_URL: 'postgresx://admin:s3cret@h/postgres' },
      'DATABASE_URL must be a postgres:// URL, got "postgresx://admin:***@h/postgres"',
    ],
    [{ AMQP_URL: 'http://admin:s3cret@h' }, 'AMQP_URL must be an amqp:// URL or a comma-separated list of them, got "http://admin:***@h/"'],
    [
      { PLACEMENT_DATABASE_URL: 'postgres://p@h/enrollment' },
      'enrollment and placement have the same role "enrollment" (roles are named after databases): give each database a name of its own',
    ],
    [
      { AUTH_DATABASE_URL: 'postgres://p@h/reporting_bi' },
      'the keys database and the BI reader of reporting have the same role "reporting_bi" (roles are named after databases): give each database a name of its own',
    ],
    [
      { ALLIANCE_DATABASE_URL: 'postgres://p@h/Alliance' },
      'ALLIANCE_DATABASE_URL: unsupported database name "Alliance": the service\'s role is named after its database, which must be lower-case letters, digits and _',
    ],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => stackPlan(env)).toThrow(message);
  });
});
