import { failWith } from './decision';

enum OwnCode {
  Refused = 'refused',
}
enum OtherCode {
  Refused = 'refused',
}

describe('failWith', () => {
  const fail = failWith<OwnCode>();

  it('refuses with the service’s own code, kind, message and field', () => {
    const r = fail('conflict', OwnCode.Refused, 'no', 'id');
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ kind: 'conflict', code: 'refused', message: 'no', field: 'id' });
  });

  it('takes no other code: another enum’s or a bare string does not compile (npm run typecheck)', () => {
    // @ts-expect-error a code of another service's enum
    expect(fail('conflict', OtherCode.Refused, 'no').ok).toBe(false);
    // @ts-expect-error a bare string
    expect(fail('conflict', 'refused', 'no').ok).toBe(false);
  });
});
