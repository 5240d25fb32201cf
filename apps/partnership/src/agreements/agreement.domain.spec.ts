import { AgreementInput, AgreementState, decideAgreementChange, decideExpiry, decideSign } from './agreement.domain';

const input: AgreementInput = {
  agreementId: 'A1',
  partnerIds: ['E2', 'E1'],
  kind: 'school_enterprise',
  forms: ['training_base', 'order_class'],
  programCodes: [],
  signedOn: '2022-03-01',
  effectiveFrom: null,
  expiresOn: '2023-02-28',
};

const signed = (): AgreementState => {
  const d = decideSign(undefined, input, ['textiles', 'mining', 'textiles']);
  if (!d.ok) throw d.error;
  return d.state;
};

describe('agreement decisions', () => {
  it('signing normalises lists, publishes the partner sectors; a repeat in another order is a no-op; other content conflicts', () => {
    const d = decideSign(undefined, input, ['textiles', 'mining']);
    expect(d).toMatchObject({ ok: true, outcome: 'created', state: { version: 1, status: 'active', partnerIds: ['E1', 'E2'] } });
    expect(d.ok && d.emit?.data).toMatchObject({ forms: ['order_class', 'training_base'], sectors: ['mining', 'textiles'] });
    expect(decideSign(signed(), { ...input, partnerIds: ['E1', 'E2'] }, [])).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(decideSign(signed(), { ...input, kind: 'university' }, [])).toMatchObject({ ok: false, error: { code: 'agreement_exists' } });
    expect(decideSign(undefined, { ...input, expiresOn: '2022-01-01' }, [])).toMatchObject({ ok: false, error: { code: 'invalid_dates' } });
  });

  it('expiry: only an active agreement past expiresOn, expired from the day after; then never again', () => {
    expect(decideExpiry(signed(), '2023-02-28')).toMatchObject({ ok: true, outcome: 'unchanged' });
    const e = decideExpiry(signed(), '2023-03-01');
    expect(e).toMatchObject({ ok: true, outcome: 'updated', state: { status: 'expired', expiredOn: '2023-03-01', version: 2 } });
    expect(e.ok && e.emit?.data).toEqual({ agreementId: 'A1', expiresOn: '2023-02-28', expiredOn: '2023-03-01' });
    expect(decideExpiry(e.ok ? e.state : signed(), '2030-01-01')).toMatchObject({ outcome: 'unchanged' });
    expect(decideExpiry({ ...signed(), expiresOn: null }, '2030-01-01')).toMatchObject({ outcome: 'unchanged' });
  });

  it('renewal reactivates an expired agreement; the original signing still repeats as a no-op', () => {
    const e = decideExpiry(signed(), '2023-03-05');
    const r = decideAgreementChange(e.ok ? e.state : undefined, 'A1', { kind: 'renewal', date: '2023-03-05', expiresOn: '2026-02-28' });
    expect(r).toMatchObject({ ok: true, state: { status: 'active', expiresOn: '2026-02-28', expiredOn: null, version: 3 } });
    expect(r.ok && r.emit?.data).toEqual({
      agreementId: 'A1',
      date: '2023-03-05',
      expiresOn: '2026-02-28',
      previousExpiresOn: '2023-02-28',
    });
    expect(decideSign(r.ok ? r.state : undefined, input, [])).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(decideAgreementChange(signed(), 'A1', { kind: 'renewal', date: '2023-01-01', expiresOn: '2023-01-31' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_dates', field: 'expiresOn' },
    });
  });

  it('termination: not before signing, the reason never published; unknown agreements not found', () => {
    const t = decideAgreementChange(signed(), 'A1', { kind: 'termination', date: '2022-12-01', reason: '合作终止' });
    expect(t.ok && t.emit?.data).toEqual({ agreementId: 'A1', date: '2022-12-01' });
    expect(decideAgreementChange(signed(), 'A1', { kind: 'termination', date: '2022-01-01', reason: null })).toMatchObject({
      ok: false,
      error: { code: 'invalid_dates' },
    });
    expect(decideAgreementChange(undefined, 'A9', { kind: 'termination', date: '2023-03-06', reason: null })).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
  });

  it('a termination dated on or before expiresOn is accepted before or after the expiry job, ending in the same state', () => {
    const terminate = (state: AgreementState, date: string) =>
      decideAgreementChange(state, 'A1', { kind: 'termination', date, reason: '企业转产' });
    const expired = decideExpiry(signed(), '2023-03-05');
    if (!expired.ok) throw expired.error;
    for (const date of ['2022-12-01', '2023-02-28']) {
      const first = terminate(signed(), date); // the job has not run yet: it will then find nothing to expire
      const after = terminate(expired.state, date);
      expect(after).toMatchObject({
        ok: true,
        outcome: 'updated',
        state: { status: 'terminated', terminatedOn: date, expiredOn: null, version: 3 },
      });
      expect(first).toMatchObject({
        ok: true,
        outcome: 'updated',
        state: { status: 'terminated', terminatedOn: date, expiredOn: null, version: 2 },
      });
      expect(after.ok && after.emit?.data).toEqual({ agreementId: 'A1', date });
      expect(first.ok && first.emit?.data).toEqual({ agreementId: 'A1', date });
      const { version: _a, ...afterState } = after.ok ? after.state : signed();
      const { version: _b, ...firstState } = first.ok ? first.state : signed();
      expect(afterState).toEqual(firstState);
      if (first.ok) expect(decideExpiry(first.state, '2023-03-05')).toMatchObject({ ok: true, outcome: 'unchanged' });
      // Repeated: a no-op; another date: a conflict naming date.
      if (after.ok) {
        expect(terminate(after.state, date)).toMatchObject({ ok: true, outcome: 'unchanged' });
        expect(terminate(after.state, '2022-11-01')).toMatchObject({ ok: false, error: { code: 'date_conflict', field: 'date' } });
      }
    }
  });

  it('a termination dated after expiresOn is refused naming date, whether or not the job has expired the agreement yet', () => {
    const expired = decideExpiry(signed(), '2023-03-05');
    if (!expired.ok) throw expired.error;
    for (const [state, word] of [
      [signed(), 'expires'],
      [expired.state, 'expired'],
    ] as const) {
      expect(decideAgreementChange(state, 'A1', { kind: 'termination', date: '2023-03-01', reason: null })).toEqual({
        ok: false,
        error: expect.objectContaining({
          kind: 'conflict',
          code: 'date_conflict',
          field: 'date',
          message: `agreement A1 ${word} after 2023-02-28 (expiresOn): a termination must be dated on or before it`,
        }),
      });
    }
    // Renewed, it holds until the new expiresOn.
    const renewed = decideAgreementChange(expired.state, 'A1', { kind: 'renewal', date: '2023-03-05', expiresOn: '2024-02-29' });
    if (!renewed.ok) throw renewed.error;
    expect(decideAgreementChange(renewed.state, 'A1', { kind: 'termination', date: '2023-09-01', reason: null })).toMatchObject({
      ok: true,
      state: { status: 'terminated', terminatedOn: '2023-09-01' },
    });
  });
});
