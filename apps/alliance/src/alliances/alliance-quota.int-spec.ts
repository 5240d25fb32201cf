import { Client } from 'pg';
import { startStack, TestStack } from '@chanjiao/test-support';
import type { HttpClient } from '@chanjiao/testing';

const alliance = { name: '新疆纺织服装职业教育联盟', scope: 'regional', foundedOn: '2018-06-01', role: 'member' };

describe('MAX_ALLIANCES_PER_INSTITUTION (real PostgreSQL)', () => {
  let stack: TestStack;
  let api: HttpClient;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack({ services: ['alliance'], env: { MAX_ALLIANCES_PER_INSTITUTION: '2' } });
    api = stack.api('alliance');
    db = new Client({ connectionString: stack.databases.alliance });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const count = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alliances`)).rows[0]!.n;

  it('past the quota a new alliance is 409 quota_exceeded naming it, and nothing is written; changes still pass', async () => {
    expect((await api.put('/alliances/A1', alliance)).status).toBe(201);
    expect((await api.put('/alliances/A2', alliance)).status).toBe(201);
    const over = await api.put('/alliances/A3', alliance);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({
      error: 'quota_exceeded',
      message: expect.stringMatching(/^已达每个院校联盟数量上限 2（MAX_ALLIANCES_PER_INSTITUTION）/),
    });
    expect(await count()).toBe(2);
    const batch = await api.put('/alliances:batch', [
      Object.assign({ allianceId: 'A1' }, alliance, { role: 'chair' }),
      Object.assign({ allianceId: 'A4' }, alliance),
    ]);
    expect(batch.body.results.map((r: { status: string; error?: string }) => [r.status, r.error])).toEqual([
      ['updated', undefined],
      ['failed', 'quota_exceeded'],
    ]);
    expect(await count()).toBe(2);
    expect((await api.get('/alliances/A4')).status).toBe(404);
  });
});
