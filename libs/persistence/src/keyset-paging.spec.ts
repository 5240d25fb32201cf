import { DomainError } from '@chanjiao/domain';
import { decodeCursor, encodeCursor, keysetSql } from './keyset-paging';

describe('keyset paging', () => {
  it('round-trips a key through an opaque cursor', () => {
    const cursor = encodeCursor(['A-1', 3, '2024-02-29']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, ['text', 'int', 'date'])).toEqual(['A-1', 3, '2024-02-29']);
  });

  it('takes a subject of one id or two joined by a slash, and no more', () => {
    expect(decodeCursor(encodeCursor(['A1/M-1']), ['subject'])).toEqual(['A1/M-1']);
    expect(decodeCursor(encodeCursor(['S0001']), ['subject'])).toEqual(['S0001']);
    for (const bad of ['A/B/C', '/M1', 'A1/', "A1/x' OR 1=1"])
      expect(() => decodeCursor(encodeCursor([bad]), ['subject'])).toThrow(DomainError);
  });

  it.each([
    ['not base64url', '%%%'],
    ['not JSON', Buffer.from('{"a"').toString('base64url')],
    ['not an array', Buffer.from('{"k":1}').toString('base64url')],
    ['too few parts', encodeCursor(['a'])],
    ['a text part that is no id', encodeCursor(["x' OR 1=1", 1])],
    ['an int part that is text', encodeCursor(['a', '1'])],
  ])('refuses a cursor that is %s with invalid_cursor naming cursor', (_what, cursor) => {
    let caught: unknown;
    try {
      decodeCursor(cursor, ['text', 'int']);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ kind: 'invalid', code: 'invalid_cursor', field: 'cursor' });
  });

  it('builds keyset SQL without OFFSET, one row more than the page', () => {
    expect(keysetSql(['code'], { limit: 10, after: null }, 2)).toEqual({ where: '', orderLimit: 'ORDER BY code LIMIT $2', params: [11] });
    const next = keysetSql(['base_id', 'investment_id'], { limit: 5, after: ['B', 'I'] }, 2);
    expect(next).toEqual({
      where: '(base_id, investment_id) > ($2, $3)',
      orderLimit: 'ORDER BY base_id, investment_id LIMIT $4',
      params: ['B', 'I', 6],
    });
    expect(JSON.stringify(next)).not.toMatch(/OFFSET/i);
  });

  it('pages newest first (desc), keyed by a bigint id or a timestamp as PostgreSQL writes it', () => {
    expect(keysetSql(['received_at', 'id'], { limit: 5, after: ['2026-12-06 11:04:52.123456+00', 'u'] }, 2, 'desc')).toEqual({
      where: '(received_at, id) < ($2, $3)',
      orderLimit: 'ORDER BY received_at DESC, id DESC LIMIT $4',
      params: ['2026-12-06 11:04:52.123456+00', 'u', 6],
    });
    expect(decodeCursor(encodeCursor(['9007199254740993']), ['bigint'])).toEqual(['9007199254740993']);
    expect(decodeCursor(encodeCursor(['2026-12-06 11:04:52+08']), ['timestamp'])).toEqual(['2026-12-06 11:04:52+08']);
    expect(() => decodeCursor(encodeCursor(['1 OR 1=1']), ['bigint'])).toThrow(DomainError);
    expect(() => decodeCursor(encodeCursor(['yesterday']), ['timestamp'])).toThrow(DomainError);
  });
});
