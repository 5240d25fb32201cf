import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackPlan } from './stack-plan';
import { stackCredentials, stackPassword } from './stack-secrets';

describe('the passwords npm run migrate gives the roles and users', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stack-secrets-'));
    dir = join(root, 'secrets');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('generates a strong one when none is given, keeps it (folder 700, file 600) and finds it again', () => {
    const env = { CHANJIAO_SECRETS_DIR: dir };
    const first = stackPassword('ENROLLMENT_DB_PASSWORD', env);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(join(dir, 'enrollment_db_password'), 'utf8')).toBe(first);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'enrollment_db_password')).mode & 0o777).toBe(0o600);
    expect(stackPassword('ENROLLMENT_DB_PASSWORD', env)).toBe(first);
    expect(stackPassword('PLACEMENT_DB_PASSWORD', env)).not.toBe(first);
  });

  it('takes a password from env or a file before the one kept, and generates nothing then', () => {
    const file = join(root, 'given');
    writeFileSync(file, 'from-a-file-password\n');
    expect(stackPassword('REPORTING_AMQP_PASSWORD', { CHANJIAO_SECRETS_DIR: dir, REPORTING_AMQP_PASSWORD: 'from-env-password' })).toBe(
      'from-env-password',
    );
    expect(stackPassword('REPORTING_AMQP_PASSWORD', { CHANJIAO_SECRETS_DIR: dir, REPORTING_AMQP_PASSWORD_FILE: file })).toBe(
      'from-a-file-password',
    );
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });

  it('without generating, says to run npm run migrate', () => {
    expect(() => stackPassword('REPORTING_AMQP_PASSWORD', { CHANJIAO_SECRETS_DIR: dir }, false)).toThrow(
      `REPORTING_AMQP_PASSWORD: not given (REPORTING_AMQP_PASSWORD or REPORTING_AMQP_PASSWORD_FILE) and none kept in ${dir}: run npm run migrate first`,
    );
  });

  it('gives each service URLs with its own role and user, the keys database as verifier and as owner', () => {
    const env = { CHANJIAO_SECRETS_DIR: dir, ENROLLMENT_DB_PASSWORD: 'enrollment-db-pw', ENROLLMENT_AMQP_PASSWORD: 'enrollment-mq-pw' };
    const credentials = stackCredentials(stackPlan({}), env);
    expect(credentials.apps.enrollment.databaseUrl).toBe('postgres://enrollment:enrollment-db-pw@127.0.0.1:5432/enrollment');
    expect(credentials.apps.enrollment.amqpUrl).toBe('amqp://enrollment:enrollment-mq-pw@127.0.0.1:5672');
    const verifier = new URL(credentials.auth.verifierUrl);
    expect([verifier.username, verifier.pathname]).toEqual(['chanjiao_auth_verifier', '/chanjiao_auth']);
    expect(verifier.password).toBe(readFileSync(join(dir, 'auth_verifier_db_password'), 'utf8'));
    expect(new URL(credentials.auth.ownerUrl).username).toBe('chanjiao_auth');
    expect(readdirSync(dir).sort()).toEqual([
      'alliance_amqp_password',
      'alliance_db_password',
      'auth_db_password',
      'auth_verifier_db_password',
      'partnership_amqp_password',
      'partnership_db_password',
      'placement_amqp_password',
      'placement_db_password',
      'reporting_amqp_password',
      'reporting_bi_db_password',
      'reporting_db_password',
    ]);
    const bi = new URL(credentials.bi.url);
    expect([bi.username, bi.pathname, bi.password]).toEqual(['reporting_bi', '/reporting', credentials.bi.password]);
  });
});
