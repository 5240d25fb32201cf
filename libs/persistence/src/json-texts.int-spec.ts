import { Client } from 'pg';
import { freshDatabase } from '@chanjiao/testing';
import { joinJsonTexts, jsonTextsSql } from './json-texts';

describe('joinJsonTexts (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: Client;

  beforeAll(async () => {
    db = await freshDatabase('json_texts');
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('gives back each text byte for byte, in order, as json', async () => {
    const texts = [
      '{"a":1}',
      ' { "spaced" : [1, 2] ,\n "tab":\t"x" } ',
      JSON.stringify({ escaped: 'record\u001eseparator, quote " and backslash \\', zh: '巴音郭楞' }),
      '"just a string"',
      '[]',
    ];
    const { rows } = await client.query<{ n: string; t: string; kind: string }>(
      `SELECT n, t::json::text AS t, json_typeof(t::json) AS kind FROM ${jsonTextsSql('$1')} WITH ORDINALITY AS x(t, n) ORDER BY n`,
      [joinJsonTexts(texts)],
    );
    expect(rows.map((r) => r.t)).toEqual(texts);
    expect(rows.map((r) => r.kind)).toEqual(['object', 'object', 'object', 'string', 'array']);
  });

  it('gives no rows for no texts', async () => {
    const { rows } = await client.query(`SELECT * FROM ${jsonTextsSql('$1')}`, [joinJsonTexts([])]);
    expect(rows).toEqual([]);
  });

  it('refuses a text holding the separator raw, which is not JSON', () => {
    expect(() => joinJsonTexts(['{"a":1}', '{"b":"\u001e"}'])).toThrow(/U\+001E/);
  });
});
