import { actingInstitution, actingInstitutions, allows, Principal } from './api-key';

describe('actingInstitution: the institution a request acts for', () => {
  it('a key of one institution acts for it, named or not, and for no other', () => {
    expect(actingInstitution(['BZVTC'], undefined)).toEqual({ institution: 'BZVTC' });
    expect(actingInstitution(['BZVTC'], 'BZVTC')).toEqual({ institution: 'BZVTC' });
    expect(actingInstitution(['BZVTC'], 'QZVTC')).toMatchObject({ refused: 'forbidden', message: expect.stringContaining('QZVTC') });
  });

  it('a bureau names one of its institutions, or is told to', () => {
    expect(actingInstitution(['BZVTC', 'QZVTC'], 'QZVTC')).toEqual({ institution: 'QZVTC' });
    expect(actingInstitution(['BZVTC', 'QZVTC'], undefined)).toMatchObject({
      refused: 'institution_required',
      message: expect.stringContaining('X-Institution'),
    });
    expect(actingInstitution(['BZVTC', 'QZVTC'], '')).toMatchObject({ refused: 'institution_required' });
    expect(actingInstitution(['BZVTC', 'QZVTC'], 'KSVTC')).toMatchObject({ refused: 'forbidden' });
  });

  it('an admin key of * names any institution, and must name one', () => {
    expect(actingInstitution(['*'], 'KSVTC')).toEqual({ institution: 'KSVTC' });
    expect(actingInstitution(['*'], undefined)).toMatchObject({ refused: 'institution_required' });
  });
});

describe('actingInstitutions: the institutions a report sums', () => {
  it('a key of one institution reads its own, named or not, and no list, no all, no other', () => {
    expect(actingInstitutions(['BZVTC'], undefined)).toEqual({ institutions: ['BZVTC'], all: false });
    expect(actingInstitutions(['BZVTC'], 'BZVTC,BZVTC')).toEqual({ institutions: ['BZVTC'], all: false });
    expect(actingInstitutions(['BZVTC'], 'BZVTC,QZVTC')).toMatchObject({ refused: 'forbidden', message: expect.stringContaining('QZVTC') });
    expect(actingInstitutions(['BZVTC'], 'all')).toMatchObject({ refused: 'forbidden' });
  });

  it('a bureau names several of its own, or all of them, and none outside its list', () => {
    expect(actingInstitutions(['BZVTC', 'QZVTC', 'KSVTC'], 'QZVTC, BZVTC,QZVTC')).toEqual({ institutions: ['QZVTC', 'BZVTC'], all: false });
    expect(actingInstitutions(['BZVTC', 'QZVTC'], 'all')).toEqual({ institutions: ['BZVTC', 'QZVTC'], all: true });
    expect(actingInstitutions(['BZVTC', 'QZVTC'], 'BZVTC,HMVTC')).toMatchObject({
      refused: 'forbidden',
      message: expect.stringContaining('HMVTC'),
    });
    expect(actingInstitutions(['BZVTC', 'QZVTC'], undefined)).toMatchObject({ refused: 'institution_required' });
  });

  it('an admin key of * names any, or all: every institution the service knows', () => {
    expect(actingInstitutions(['*'], 'A1,B2')).toEqual({ institutions: ['A1', 'B2'], all: false });
    expect(actingInstitutions(['*'], 'all')).toEqual({ institutions: '*', all: true });
  });

  it.each([
    ['BZVTC,', 'empty item'],
    [',BZVTC', 'empty item'],
    ['BZVTC,,QZVTC', 'empty item'],
    ['BZVTC,bz', 'not an institution code'],
    ['BZVTC,B', 'not an institution code'],
    [Array.from({ length: 201 }, (_, i) => `I${i}`).join(','), 'at most 200'],
  ])('refuses the malformed list %s (%s)', (list, why) => {
    expect(actingInstitutions(['*'], list)).toMatchObject({ refused: 'invalid_institution', message: expect.stringContaining(why) });
  });
});

describe('allows: what a role may do to a service', () => {
  const key = (role: Principal['role'], services: string[]): Principal => ({
    keyId: 'k',
    role,
    services,
    institutions: ['I'],
    institution: 'I',
    expiresAt: null,
  });
  it.each([
    ['writer', ['enrollment'], 'write', 'enrollment', true],
    ['writer', ['enrollment'], 'write', 'placement', false],
    ['writer', ['enrollment'], 'read', 'reporting', false],
    ['writer', ['enrollment'], 'admin', 'enrollment', false],
    ['reader', ['reporting'], 'read', 'reporting', true],
    ['reader', ['reporting'], 'write', 'enrollment', false],
    ['reader', ['reporting'], 'admin', 'reporting', false],
    ['admin', ['*'], 'write', 'alliance', true],
    ['admin', ['*'], 'admin', 'reporting', true],
  ] as const)('%s of %j: %s %s → %s', (role, services, access, service, expected) => {
    expect(allows(key(role, [...services]), access, service)).toBe(expected);
  });
});
