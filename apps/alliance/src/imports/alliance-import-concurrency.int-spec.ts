import { randomUUID } from 'node:crypto';
import { expectEventually } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

/**
 * A charter import locks its alliance FOR UPDATE (charters are serialized per alliance), and a new member's join
 * share-locks it. Imported in one transaction, the alliance stayed locked for the whole file, so the join of an
 * unrelated new member waited for the import to end; in chunks of their own, it waits for one chunk at most.
 */
describe('a long charter import and a single join in its alliance (real PostgreSQL)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['alliance'] });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const upload = (entity: string, body: string, query = '') =>
    fetch(`${stack.urls.alliance}/imports/${entity}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': 'text/csv' },
      body,
    });

  it('the join of a new member, sent while the import runs, is answered before the import ends', async () => {
    const alliances = await upload('alliances', 'allianceId,name,scope,foundedOn,role\r\nLOCKED,联盟,industry,1999-06-01,chair\r\n');
    expect(((await alliances.json()) as any).rows.created).toBe(1);
    const rows = ['allianceId,version,adoptedOn,summary'];
    const day = Date.UTC(2000, 0, 1);
    for (let v = 1; v <= 6000; v++) rows.push(`LOCKED,${v},${new Date(day + v * 86_400_000).toISOString().slice(0, 10)},第 ${v} 版`);
    const importId = randomUUID();
    let importDone = 0;
    const imported = upload('charters', rows.join('\r\n'), `?importId=${importId}`).then(async (res) => {
      importDone = Date.now();
      return (await res.json()) as any;
    });
    const api = stack.api('alliance');
    await expectEventually(async () => {
      expect((await api.get(`/imports/${importId}`)).body.rows.done).toBeGreaterThan(1000);
    });
    const join = await api.post('/alliances/LOCKED/members', {
      memberId: 'NEW-1',
      memberKind: 'enterprise',
      role: 'member',
      joinedOn: '2018-07-01',
    });
    const joinDone = Date.now();
    expect(join.status).toBe(201);
    // Answered while the import still had rows to read: not let through by its commit at the end.
    expect((await api.get(`/imports/${importId}`)).body).toMatchObject({ status: 'running', rows: { done: expect.any(Number) } });
    expect((await api.get(`/imports/${importId}`)).body.rows.done).toBeLessThan(6000);
    const result = await imported;
    expect(result).toMatchObject({ status: 'completed', rows: { created: 6000, failed: 0 } });
    expect(joinDone).toBeLessThan(importDone);
  });
});
