import { bodyKind, bodyLimit, ByteCounter } from './body-limits';
import { addressKey } from './edge';

describe('bodyKind', () => {
  it.each([
    ['POST', '/enrollments', '/enrollments', 'application/json', 'json'],
    ['PUT', '/programs/:code', '/programs/X', 'application/json; charset=utf-8', 'json'],
    ['POST', '/enrollments:batch', '/enrollments:batch', 'application/json', 'batch'],
    ['POST', '/imports/:entity', '/imports/programs', 'text/csv', 'import'],
    ['POST', '/imports/:entity', '/imports/programs', 'multipart/form-data; boundary=x', 'import'],
    ['POST', '/imports/:entity', '/imports/programs', undefined, 'import'],
    // JSON is parsed whole in memory: never a file's limit.
    ['POST', '/imports/:entity', '/imports/programs', 'application/json', 'json'],
    ['GET', '/programs/:code', '/programs/X', 'application/json', 'other'],
    ['POST', undefined, '/nowhere', 'text/csv', 'other'],
    ['POST', '/enrollments', '/enrollments', 'text/plain', 'other'],
  ] as const)('%s %s (%s, %s) is %s', (method, route, path, type, kind) => {
    expect(bodyKind(method, route, path, type)).toBe(kind);
  });

  it('maps each kind to its setting', () => {
    const env = { BODY_LIMIT_JSON_BYTES: 1, BODY_LIMIT_BATCH_BYTES: 2, IMPORT_MAX_BYTES: 3, BODY_LIMIT_OTHER_BYTES: 4 } as never;
    expect(['json', 'batch', 'import', 'other'].map((k) => bodyLimit(k as never, env))).toEqual([1, 2, 3, 4]);
  });
});

describe('ByteCounter', () => {
  it('passes bytes up to the limit and fails past it with a 413, once', async () => {
    let exceeded = 0;
    const counter = new ByteCounter(10, () => exceeded++);
    const out: Buffer[] = [];
    counter.on('data', (c: Buffer) => out.push(c));
    const failed = new Promise<Error>((resolve) => counter.on('error', resolve));
    counter.write(Buffer.alloc(6));
    counter.write(Buffer.alloc(4));
    counter.write(Buffer.alloc(1));
    const e = (await failed) as Error & { statusCode: number; code: string };
    expect(Buffer.concat(out).length).toBe(10);
    expect({ statusCode: e.statusCode, code: e.code, exceeded }).toEqual({
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      exceeded: 1,
    });
    expect(e.message).toContain('10');
  });
});

describe('addressKey', () => {
  it('an IPv4 address is itself; an IPv6 address is its /64', () => {
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('::ffff:10.1.2.3')).toBe('::ffff:10.1.2.3');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('::1');
  });
});
