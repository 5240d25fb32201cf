import { spawnSync } from 'node:child_process';
import { freshDatabase } from '@chanjiao/testing';
import { ensureBuild, REPO_ROOT } from '@chanjiao/test-support';

/** `npm run keys` (dist/scripts/keys.js) against a keys database of the test's own. */
describe('npm run keys', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    ensureBuild();
    db = await freshDatabase('keys_cli');
  }, 300_000);
  afterAll(() => db?.drop());

  const keys = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['dist/scripts/keys.js', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', AUTH_DATABASE_URL: db.url },
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout.trim().split('\n'), err: r.stderr.trim() };
  };

  it('creates a key shown once, lists it by id with its label, revokes it by key', () => {
    const created = keys('create', '--role', 'reader', '--institution', 'BZVTC', '--label=team=dashboards');
    expect(created.code).toBe(0);
    const key = created.out.at(-1)!;
    expect(key).toMatch(/^cjk_/);
    const listed = keys('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toEqual([expect.stringMatching(/^\w+ +reader +BZVTC +reporting +\S+ +active +team=dashboards$/)]);
    expect(listed.out.join('\n')).not.toContain(key);
    const revoked = keys('revoke', key);
    expect(revoked).toMatchObject({ code: 0, out: [expect.stringMatching(/^revoked \w+$/)] });
    expect(keys('list').out[0]).toMatch(/ revoked \S+ +team=dashboards$/);
    expect(keys('revoke', 'nosuchid')).toMatchObject({ code: 1, err: 'no key nosuchid' });
  });

  it.each([
    [['create', '--role', 'writer', '--role', 'reader', '--institution', 'BZVTC'], '--role given twice'],
    [['create', '--role', 'reader', '--institution', 'BZVTC', '--label', ''], '--label needs a value'],
    [['create', '--role', 'boss', '--institution', 'BZVTC'], '--role must be one of'],
    [['rotate'], 'unknown command "rotate"'],
  ])('refuses %j with exit 2 and says why', (args, message) => {
    const r = keys(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('names an invalid keys database URL', () => {
    const r = spawnSync(process.execPath, ['dist/scripts/keys.js', 'list'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', AUTH_DATABASE_URL: 'not a url' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('AUTH_DATABASE_URL must be a postgres:// URL, got "not a url"');
  });
});
