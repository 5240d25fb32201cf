import { sqlLiteral, withLiterals } from './sql-literals';

describe('withLiterals', () => {
  it('writes each $n as the quoted literal of its parameter, $10 included', () => {
    const params = ['a', 2, null, true, 5, 6, 7, 8, 9, 'ten'];
    expect(withLiterals('SELECT $1, $2::int, $3, $4, $10', params)).toBe(`SELECT 'a', '2'::int, NULL, 'true', 'ten'`);
  });

  it('leaves placeholders inside quoted strings and identifiers alone', () => {
    expect(withLiterals(`SELECT 'it''s $1' AS "col $2", $1`, ['x', 'y'])).toBe(`SELECT 'it''s $1' AS "col $2", 'x'`);
  });

  it('refuses a placeholder without a parameter', () => {
    expect(() => withLiterals('SELECT $2', ['x'])).toThrow(RangeError);
  });
});

describe('sqlLiteral', () => {
  it('doubles quotes, and backslashes in an E string', () => {
    expect(sqlLiteral(`O'Brien`)).toBe(`'O''Brien'`);
    expect(sqlLiteral(`a\\b'c`)).toBe(`E'a\\\\b''c'`);
  });

  it('writes arrays in PostgreSQL array syntax, quoting each text element', () => {
    expect(sqlLiteral(['a', 'b', null, 3])).toBe(`'{"a","b",NULL,3}'`);
    // A quote in an element is escaped with a backslash, so the whole literal becomes an E string.
    expect(sqlLiteral(['b"c'])).toBe(String.raw`E'{"b\\"c"}'`);
  });

  it('writes dates as ISO text and refuses what has no literal', () => {
    expect(sqlLiteral(new Date('2022-06-30T00:00:00Z'))).toBe(`'2022-06-30T00:00:00.000Z'`);
    expect(() => sqlLiteral({ a: 1 })).toThrow(/JSON.stringify/);
    expect(() => sqlLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => sqlLiteral('a\u0000b')).toThrow(/NUL/);
  });
});
