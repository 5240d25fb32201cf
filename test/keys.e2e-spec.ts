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
    expect(listed.out).toEqual([
      expect.stringMatching(/^\w+ +reader +BZVTC +reporting +\S+ +active +expires 20\S+ +used never +team=dashboards$/),
    ]);
    expect(listed.out.join('\n')).not.toContain(key);
    const revoked = keys('revoke', key);
    expect(revoked).toMatchObject({ code: 0, out: [expect.stringMatching(/^revoked \w+$/)] });
    expect(keys('list').out[0]).toMatch(/ revoked \S+ +expires \S+ +used never +team=dashboards$/);
    expect(keys('revoke', 'nosuchid')).toMatchObject({ code: 1, err: 'no key nosuchid' });
  });

  it('makes bureau and admin keys, expires by default in a year or when told, rotates with a changeover', () => {
    const bureau = keys('create', '--role', 'reader', '--institution', 'BZVTC,QZVTC', '--expires', '90d');
    expect(bureau.code).toBe(0);
    const bureauId = /key (\w+) for BZVTC, QZVTC/.exec(bureau.out[0]!)?.[1];
    expect(bureauId).toBeDefined();
    const admin = keys('create', '--role', 'admin', '--institution', '*', '--expires', 'never');
    expect(admin.out[0]).toMatch(/for \* \(\*\), expires never;/);
    const year = keys('create', '--role', 'writer', '--service', 'enrollment', '--institution', 'BZVTC');
    const expires = new Date(/expires (\S+);/.exec(year.out[0]!)![1]!).getTime();
    expect(Math.abs(expires - Date.now() - 365 * 86_400_000)).toBeLessThan(60_000);

    const rotated = keys('rotate', bureauId!, '--overlap', '2d');
    expect(rotated.code).toBe(0);
    const until = new Date(/valid until (\S+);/.exec(rotated.out[0]!)![1]!).getTime();
    expect(Math.abs(until - Date.now() - 2 * 86_400_000)).toBeLessThan(60_000);
    expect(rotated.out.at(-1)).toMatch(/^cjk_/);
    const lines = keys('list').out;
    const successor = lines.find((l) => l.includes(`rotated-from ${bureauId}`));
    // Same scope, and the old key's lifetime (90 days) from now.
    expect(successor).toMatch(/^\w+ +reader +BZVTC,QZVTC +reporting +\S+ +active +expires \S+ +used never +rotated-from \w+$/);
    expect(keys('rotate', 'nosuchid')).toMatchObject({ code: 1, err: 'no active key nosuchid' });
  });

  it.each([
    [['create', '--role', 'writer', '--role', 'reader', '--institution', 'BZVTC'], '--role given twice'],
    [['create', '--role', 'reader', '--institution', 'BZVTC', '--label', ''], '--label needs a value'],
    [['create', '--role', 'boss', '--institution', 'BZVTC'], '--role must be one of'],
    [['rotate'], 'rotate takes a key id'],
    [['rotate', 'abc', '--overlap', 'soon'], '--overlap must be a duration'],
    [['create', '--role', 'reader', '--institution', 'BZVTC', '--expires', '2001-01-01'], 'is already past'],
    [['create', '--role', 'reader', '--institution', 'BZVTC', '--expires', 'later'], '--expires must be'],
    [['create', '--role', 'reader', '--institution', '*'], 'is for admin keys only'],
    [['create', '--role', 'reader', '--institution', 'BZVTC,bad'], '"bad" is not an institution code'],
    [['rename'], 'unknown command "rename"'],
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
