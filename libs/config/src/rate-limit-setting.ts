import { z } from 'zod';

/**
 * A token bucket (`prefault`: the default is parsed like a given value): `<per second>` or `<per second>:<burst>` (burst defaults to twice the rate), or `off`. Parsed
 * here so a bad value stops the service at boot naming the variable.
 */
export const zRateLimit = z
  .string()
  .regex(/^(off|\d+(\.\d+)?(:\d+)?)$/, 'off, <per second> or <per second>:<burst>, e.g. 2000:4000')
  .transform((v) => {
    if (v === 'off') return undefined;
    const [rate, burst] = v.split(':');
    return { perSecond: Number(rate), burst: burst === undefined ? Math.max(1, 2 * Number(rate)) : Number(burst) };
  })
  .refine((v) => v === undefined || (v.perSecond > 0 && v.burst >= 1), 'the rate must be above 0 and the burst at least 1');
export type RateLimitSetting = { perSecond: number; burst: number } | undefined;
