import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceEnv } from './service-env';

describe('the edge settings of a service env', () => {
  it('have defaults', () => {
    const env = loadServiceEnv('enrollment', {});
    expect(env).toMatchObject({
      BODY_LIMIT_JSON_BYTES: 1024 * 1024,
      BODY_LIMIT_BATCH_BYTES: 16 * 1024 * 1024,
      IMPORT_MAX_BYTES: 512 * 1024 * 1024,
      BODY_LIMIT_OTHER_BYTES: 64 * 1024,
      RATE_LIMIT_PER_KEY: { perSecond: 2000, burst: 4000 },
      RATE_LIMIT_PER_ADDRESS: { perSecond: 50, burst: 500 },
      REQUEST_TIMEOUT_MS: 120_000,
      CORS_ORIGINS: [],
      TRUST_PROXY: false,
    });
    expect(env.METRICS_TOKEN).toBeUndefined();
  });

  it('parse rates, origins, proxies and the metrics token from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-env-'));
    writeFileSync(join(dir, 'token'), 'a-token-of-sixteen-or-more\n');
    const env = loadServiceEnv('enrollment', {
      RATE_LIMIT_PER_KEY: '10',
      RATE_LIMIT_PER_ADDRESS: 'off',
      CORS_ORIGINS: 'https://dash.example.edu, http://localhost:5173',
      TRUST_PROXY: '1',
      METRICS_TOKEN_FILE: join(dir, 'token'),
    });
    expect(env).toMatchObject({
      RATE_LIMIT_PER_KEY: { perSecond: 10, burst: 20 },
      RATE_LIMIT_PER_ADDRESS: undefined,
      CORS_ORIGINS: ['https://dash.example.edu', 'http://localhost:5173'],
      TRUST_PROXY: 1,
      METRICS_TOKEN: 'a-token-of-sixteen-or-more',
    });
  });

  it.each([
    ['RATE_LIMIT_PER_KEY', 'fast'],
    ['RATE_LIMIT_PER_KEY', '0:10'],
    ['CORS_ORIGINS', '*'],
    ['IMPORT_MAX_BYTES', '10'],
    ['METRICS_TOKEN', 'short'],
  ])('refuse %s=%s at boot, naming it', (name, value) => {
    expect(() => loadServiceEnv('enrollment', { [name]: value })).toThrow(name);
  });
});
