import { z } from 'zod';
import { loadEnv, loadServiceEnv, ServiceEnv, zTimeZone } from '@chanjiao/config';

const partnershipEnvSchema = z.object({
  /** How often the expiry job looks for agreements past expiresOn (it also runs at boot); 0 turns it off. */
  AGREEMENT_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
  /** The zone whose calendar day decides that an agreement has expired (read by the clock; checked here at boot). */
  TIMEZONE: zTimeZone.default('Asia/Shanghai'),
});

export type PartnershipEnv = ServiceEnv & { PORT: number } & z.infer<typeof partnershipEnvSchema>;

export function loadPartnershipEnv(env: NodeJS.ProcessEnv = process.env): PartnershipEnv {
  return { ...loadServiceEnv('partnership', env), ...loadEnv(partnershipEnvSchema, env) };
}
