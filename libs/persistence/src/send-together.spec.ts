import { toParam } from './send-together';

describe('toParam', () => {
  it('passes text as it is, quotes and backslashes included (nothing is quoted into SQL)', () => {
    expect(toParam(`O'Brien \\ "x"`)).toBe(`O'Brien \\ "x"`);
    expect(toParam(null)).toBeNull();
    expect(toParam(undefined)).toBeNull();
  });

  it('writes numbers, booleans and bigints as text, dates in ISO 8601', () => {
    expect([toParam(2), toParam(1.5), toParam(true), toParam(10n)]).toEqual(['2', '1.5', 'true', '10']);
    expect(toParam(new Date('2022-06-30T00:00:00Z'))).toBe('2022-06-30T00:00:00.000Z');
  });

  it('writes arrays in PostgreSQL array syntax, quoting each text element', () => {
    expect(toParam(['a', 'b', null, 3])).toBe('{"a","b",NULL,3}');
    expect(toParam(['b"c', 'd\\e'])).toBe(String.raw`{"b\"c","d\\e"}`);
  });

  it('refuses what it would have to guess at', () => {
    expect(() => toParam({ a: 1 })).toThrow(/JSON.stringify/);
    expect(() => toParam(Number.NaN)).toThrow(TypeError);
    expect(() => toParam([{ a: 1 }])).toThrow(TypeError);
  });
});
