import { z } from 'zod';
import { loadEnv, loadServiceEnv, ServiceEnv } from '@chanjiao/persistence';

const partnershipEnvSchema = z.object({
  /** How often the expiry job looks for agreements past expiresOn (it also runs at boot); 0 turns it off. */
  AGREEMENT_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
});

export type PartnershipEnv = ServiceEnv & { PORT: number } & z.infer<typeof partnershipEnvSchema>;

export function loadPartnershipEnv(env: NodeJS.ProcessEnv = process.env): PartnershipEnv {
  return { ...loadServiceEnv('partnership', env), ...loadEnv(partnershipEnvSchema, env) };
}
