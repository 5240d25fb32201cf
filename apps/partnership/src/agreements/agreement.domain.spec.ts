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

  it('termination: from active only, not before signing, the reason never published; unknown agreements not found', () => {
    const t = decideAgreementChange(signed(), 'A1', { kind: 'termination', date: '2022-12-01', reason: '合作终止' });
    expect(t.ok && t.emit?.data).toEqual({ agreementId: 'A1', date: '2022-12-01' });
    expect(decideAgreementChange(signed(), 'A1', { kind: 'termination', date: '2022-01-01', reason: null })).toMatchObject({
      ok: false,
      error: { code: 'invalid_dates' },
    });
    const e = decideExpiry(signed(), '2023-03-05');
    expect(
      decideAgreementChange(e.ok ? e.state : undefined, 'A1', { kind: 'termination', date: '2023-03-06', reason: null }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'conflict', code: 'invalid_transition' },
    });
    expect(decideAgreementChange(undefined, 'A9', { kind: 'termination', date: '2023-03-06', reason: null })).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
  });
});
