import { expectEventually, httpClient, HttpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { AgreementExpiryJob } from '../apps/partnership/src/agreements/agreement-expiry.job';

/**
 * A termination dated on or before expiresOn and the expiry job, in either order, through the partnership service
 * and reporting: two institutions record the same agreements; in EXP the job expires them before the terminations
 * are recorded, in TER after. Every figure and every agreement must come out the same.
 */
describe('termination and expiry in either order, end to end', () => {
  let stack: TestStack;
  const clients: Record<'EXP' | 'TER', { partnership: HttpClient; reporting: HttpClient }> = {} as never;
  const institutions = ['EXP', 'TER'] as const;

  beforeAll(async () => {
    // The job runs when the test says so.
    stack = await startStack({ services: ['partnership', 'reporting'], env: { AGREEMENT_EXPIRY_INTERVAL_MS: '0' } });
    for (const name of institutions) {
      const institution = `${stack.institution}${name}`;
      const writer = await stack.keys.create({ role: 'writer', services: ['partnership'], institution });
      const reader = await stack.keys.create({ role: 'reader', services: ['reporting'], institution });
      clients[name] = {
        partnership: httpClient(stack.urls.partnership!, writer.key),
        reporting: httpClient(stack.urls.reporting!, reader.key),
      };
    }
  });
  afterAll(() => stack?.close());

  const expireNow = () => stack.apps.partnership!.get(AgreementExpiryJob).runOnce();
  const terminate = (name: 'EXP' | 'TER', agreementId: string, date: string) =>
    clients[name].partnership.post(`/agreements/${agreementId}/termination`, { date, reason: '企业转产' });

  it('gives the same agreements and figures whether the expiry job ran before the termination or not', async () => {
    const agreements = [
      // Terminated before its expiry, and on its last day.
      {
        agreementId: 'A',
        partnerIds: ['E1'],
        kind: 'school_enterprise',
        forms: ['order_class'],
        signedOn: '2022-01-10',
        expiresOn: '2022-06-30',
      },
      { agreementId: 'B', partnerIds: ['E2'], kind: 'school_enterprise', signedOn: '2022-02-01', expiresOn: '2022-06-30' },
      // Expires by itself; and one still running.
      { agreementId: 'C', partnerIds: ['E1'], kind: 'school_enterprise', signedOn: '2022-03-01', expiresOn: '2022-08-31' },
      { agreementId: 'D', partnerIds: ['E2'], kind: 'school_enterprise', signedOn: '2022-04-01', expiresOn: '2099-12-31' },
    ];
    for (const name of institutions) {
      const partners = await clients[name].partnership.put('/partners:batch', [
        { partnerId: 'E1', name: '企业一', kind: 'enterprise', sector: 'textiles' },
        { partnerId: 'E2', name: '企业二', kind: 'enterprise', sector: 'mining' },
      ]);
      expect(partners.body.summary).toMatchObject({ created: 2, failed: 0 });
      expect((await clients[name].partnership.post('/agreements:batch', agreements)).body.summary).toMatchObject({ created: 4, failed: 0 });
    }
    // TER: terminations first; the job then expires only C. EXP: the job first (A, B and C), then the terminations.
    expect(await terminate('TER', 'A', '2022-05-15')).toMatchObject({ status: 200, body: { status: 'terminated' } });
    expect(await terminate('TER', 'B', '2022-06-30')).toMatchObject({ status: 200, body: { status: 'terminated' } });
    expect(await expireNow()).toBe(4);
    expect((await clients.EXP.partnership.get('/agreements/A')).body).toMatchObject({ status: 'expired', expiredOn: '2022-07-01' });
    expect(await terminate('EXP', 'A', '2022-05-15')).toMatchObject({
      status: 200,
      body: { status: 'terminated', terminatedOn: '2022-05-15', expiredOn: null },
    });
    expect(await terminate('EXP', 'B', '2022-06-30')).toMatchObject({ status: 200, body: { status: 'terminated' } });
    expect(await terminate('EXP', 'A', '2022-05-15')).toMatchObject({ status: 200, body: { status: 'terminated' } }); // a repeat
    expect(await expireNow()).toBe(0);

    // After expiresOn there is nothing left to end, expired yet or not, in either institution.
    for (const name of institutions) {
      for (const [agreementId, date] of [
        ['C', '2022-09-01'],
        ['D', '2100-01-01'],
      ] as const) {
        const refused = await terminate(name, agreementId, date);
        expect(refused).toMatchObject({ status: 409, body: { error: 'date_conflict', errors: [{ field: 'date' }] } });
      }
    }

    const agreement = async (name: 'EXP' | 'TER', id: string) => {
      const { version: _v, updatedAt: _u, ...a } = (await clients[name].partnership.get(`/agreements/${id}`)).body;
      return a;
    };
    for (const id of ['A', 'B', 'C', 'D']) expect(await agreement('EXP', id)).toEqual(await agreement('TER', id));
    expect(await agreement('EXP', 'A')).toMatchObject({ status: 'terminated', terminatedOn: '2022-05-15', expiredOn: null });
    expect(await agreement('EXP', 'C')).toMatchObject({ status: 'expired', expiredOn: '2022-09-01' });

    // EXP saw 2 partners, 4 signings, 3 expiries and 2 terminations; TER 2, 4, 2 terminations and 1 expiry.
    const applied = async (name: 'EXP' | 'TER') => (await clients[name].reporting.get('/reports/freshness')).body.eventsApplied;
    await expectEventually(async () => expect([await applied('EXP'), await applied('TER')]).toEqual([11, 9]));

    const reports = async (name: 'EXP' | 'TER') => {
      const out: Record<string, unknown> = {};
      const get = async (path: string) => {
        const res = await clients[name].reporting.get(path);
        expect(res.status).toBe(200);
        const { institution: _i, asOf: _a, ...rest } = res.body;
        return rest;
      };
      for (const asOf of ['2022-05-14', '2022-05-15', '2022-06-29', '2022-06-30', '2022-07-01', '2022-08-31', '2022-09-01', '2022-12-31']) {
        out[`overview ${asOf}`] = (await get(`/reports/overview?year=2022&asOf=${asOf}`)).partnerships;
        for (const by of ['kind', 'form', 'sector', 'year'])
          out[`${by} ${asOf}`] = await get(`/reports/partnerships?year=2022&asOf=${asOf}&by=${by}`);
        out[`expiring ${asOf}`] = await get(`/reports/partnerships/expiring?within=120&asOf=${asOf}`);
      }
      return out;
    };
    const exp = await reports('EXP');
    expect(exp).toEqual(await reports('TER'));
    expect((exp['kind 2022-06-29'] as { totals: unknown }).totals).toMatchObject({ signed: 4, active: 3, expired: 0, terminated: 1 });
    expect((exp['kind 2022-07-01'] as { totals: unknown }).totals).toMatchObject({ signed: 4, active: 2, expired: 0, terminated: 2 });
    expect((exp['kind 2022-09-01'] as { totals: unknown }).totals).toMatchObject({ signed: 4, active: 1, expired: 1, terminated: 2 });
    expect((exp['expiring 2022-05-14'] as { agreements: Array<{ agreementId: string }> }).agreements.map((a) => a.agreementId)).toEqual([
      'A',
      'B',
      'C',
    ]);
    expect((exp['expiring 2022-05-15'] as { agreements: Array<{ agreementId: string }> }).agreements.map((a) => a.agreementId)).toEqual([
      'B',
      'C',
    ]);
  });
});
