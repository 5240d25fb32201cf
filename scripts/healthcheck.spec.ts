import { healthUrl } from './healthcheck';

describe('healthcheck', () => {
  it("asks this container's readiness on PORT, else on the app's default port", () => {
    expect(healthUrl({ PORT: '4100', APP: 'reporting' })).toBe('http://127.0.0.1:4100/health');
    expect(healthUrl({ APP: 'placement' })).toBe('http://127.0.0.1:3002/health');
    expect(() => healthUrl({ APP: 'nope' })).toThrow(/PORT/);
  });
});
