import { loadPartnershipEnv } from './config';

describe('partnership config', () => {
  it("takes the expiry clock's IANA zone, Asia/Shanghai by default, and stops at boot on one the runtime does not know", () => {
    expect(loadPartnershipEnv({}).TIMEZONE).toBe('Asia/Shanghai');
    expect(loadPartnershipEnv({ TIMEZONE: 'UTC' }).TIMEZONE).toBe('UTC');
    expect(() => loadPartnershipEnv({ TIMEZONE: 'Bogus/Zone' })).toThrow(/TIMEZONE: an IANA time zone/);
  });

  it('stops at boot on a negative expiry interval, naming it', () => {
    expect(() => loadPartnershipEnv({ AGREEMENT_EXPIRY_INTERVAL_MS: '-1' })).toThrow(/AGREEMENT_EXPIRY_INTERVAL_MS/);
  });
});
