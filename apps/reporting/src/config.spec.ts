import { ConfigError } from '@chanjiao/config';
import { loadReportingEnv } from './config';

describe('reporting config: the consumer prefetch', () => {
  it('defaults to the batches in flight, batch size × concurrency', () => {
    expect(loadReportingEnv({}).CONSUMER_PREFETCH).toBe(1000);
    expect(loadReportingEnv({ CONSUMER_BATCH_SIZE: '200', CONSUMER_CONCURRENCY: '3' }).CONSUMER_PREFETCH).toBe(600);
  });

  it('keeps a value that is set', () => {
    expect(loadReportingEnv({ CONSUMER_PREFETCH: '2500' }).CONSUMER_PREFETCH).toBe(2500);
  });

  it('stops at boot on a bad value, naming the variable', () => {
    expect(() => loadReportingEnv({ CONSUMER_PREFETCH: '0' })).toThrow(ConfigError);
    expect(() => loadReportingEnv({ CONSUMER_PREFETCH: 'many' })).toThrow(/CONSUMER_PREFETCH/);
  });
});

describe('reporting config: the report time zone', () => {
  it('takes an IANA zone, Asia/Shanghai by default, and stops at boot on one the runtime does not know', () => {
    expect(loadReportingEnv({}).REPORT_TIMEZONE).toBe('Asia/Shanghai');
    expect(loadReportingEnv({ REPORT_TIMEZONE: 'Europe/Berlin' }).REPORT_TIMEZONE).toBe('Europe/Berlin');
    expect(() => loadReportingEnv({ REPORT_TIMEZONE: 'Bogus/Zone' })).toThrow(/REPORT_TIMEZONE: an IANA time zone/);
  });
});
