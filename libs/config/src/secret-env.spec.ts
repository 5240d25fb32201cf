import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceEnv } from './service-env';
import { redactUrl, resolveSecretEnv, withCredentials } from './secret-env';

describe('secrets from env or files', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'secret-env-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a URL from its _FILE and merges a password given apart into it, file or not', () => {
    const env = resolveSecretEnv({
      DATABASE_URL_FILE: file('db-url', 'postgres://enrollment@db:5432/enrollment\n'),
      DATABASE_PASSWORD_FILE: file('db-pw', 's3cret/with@odd:chars%\n'),
      AUTH_DATABASE_URL: 'postgres://chanjiao_auth_verifier@db:5432/chanjiao_auth',
      AUTH_DATABASE_PASSWORD: 'verifier-password',
      AMQP_URL: 'amqp://enrollment@mq1:5672,amqp://enrollment@mq2:5672/%2f',
      AMQP_PASSWORD: 'broker-password',
      LOG_LEVEL: 'warn',
    });
    expect(env).toEqual({
      DATABASE_URL: 'postgres://enrollment:s3cret%2Fwith%40odd%3Achars%25@db:5432/enrollment',
      AUTH_DATABASE_URL: 'postgres://chanjiao_auth_verifier:verifier-password@db:5432/chanjiao_auth',
      AMQP_URL: 'amqp://enrollment:broker-password@mq1:5672,amqp://enrollment:broker-password@mq2:5672/%2f',
      LOG_LEVEL: 'warn',
    });
    // What the drivers read back is the password as given.
    expect(decodeURIComponent(new URL(env.DATABASE_URL!).password)).toBe('s3cret/with@odd:chars%');
  });

  it('a service boots with them, the URLs checked as before', () => {
    const env = loadServiceEnv('enrollment', {
      DATABASE_URL: 'postgres://enrollment@db:5432/enrollment',
      DATABASE_PASSWORD_FILE: file('db-pw-2', 'another-password'),
      AMQP_URL_FILE: file('amqp-url', 'amqp://enrollment:pw-in-the-url@mq:5672'),
    });
    expect(env.DATABASE_URL).toBe('postgres://enrollment:another-password@db:5432/enrollment');
    expect(env.AMQP_URL).toBe('amqp://enrollment:pw-in-the-url@mq:5672');
    expect(env.AUTH_DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/chanjiao_auth');
  });

  it.each([
    [{ DATABASE_URL: 'postgres://a@b/c', DATABASE_URL_FILE: '/x' }, 'DATABASE_URL and DATABASE_URL_FILE are both set: give one'],
    [{ AMQP_URL_FILE: '/no/such/file' }, 'AMQP_URL_FILE: cannot read /no/such/file (ENOENT)'],
    [{ AUTH_DATABASE_PASSWORD: 'abcdefghij' }, 'AUTH_DATABASE_PASSWORD is set but AUTH_DATABASE_URL is not: give the URL it belongs to'],
    [
      { DATABASE_URL: 'postgres://a:pw-in-url@b/c', DATABASE_PASSWORD: 'abcdefghij' },
      'DATABASE_URL carries a password and DATABASE_PASSWORD is set too: give one',
    ],
    [
      { DATABASE_URL: 'postgres://a@b/c', DATABASE_PASSWORD: 'short' },
      'DATABASE_PASSWORD: a password of 8 to 256 printable ASCII characters without spaces',
    ],
    [
      { DATABASE_URL: 'postgres://a@b/c', DATABASE_PASSWORD: 'with a space' },
      'DATABASE_PASSWORD: a password of 8 to 256 printable ASCII characters without spaces',
    ],
  ])('refuses %j, naming the variable and never the secret', (env, message) => {
    expect(() => resolveSecretEnv(env)).toThrow(message);
    try {
      resolveSecretEnv(env);
    } catch (e) {
      expect((e as Error).message).not.toMatch(/pw-in-url|abcdefghij|short|with a space/);
    }
  });

  it('an empty password file is refused', () => {
    expect(() => resolveSecretEnv({ DATABASE_URL: 'postgres://a@b/c', DATABASE_PASSWORD_FILE: file('empty', '\n') })).toThrow(
      /DATABASE_PASSWORD_FILE: .*empty is empty/,
    );
  });

  it('redacts passwords from URLs shown in messages', () => {
    expect(redactUrl('postgres://u:secret@h:5432/d')).toBe('postgres://u:***@h:5432/d');
    expect(redactUrl('amqp://u:secret@a,amqp://u:secret@b')).toBe('amqp://u:***@a,amqp://u:***@b');
    expect(redactUrl('postgres://u@h/d')).toBe('postgres://u@h/d');
    expect(redactUrl('not a url with //u:secret@ in it')).toBe('not a url with //***@ in it');
  });

  it('sets a user and password in every node of a URL list', () => {
    expect(withCredentials('amqp://guest:guest@127.0.0.1:5672', { user: 'reporting', password: 'p' })).toBe(
      'amqp://reporting:p@127.0.0.1:5672',
    );
    expect(withCredentials('postgres://postgres@h:5432/x', { user: 'x' })).toBe('postgres://x@h:5432/x');
  });
});
