import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@chanjiao/edge';
import type { PartnershipEnv } from './config';
import { PartnershipAppModule } from './partnership.module';
import { PARTNERSHIP_MESSAGES_ZH } from './partnership.errors';

export function createPartnershipApp(env: PartnershipEnv, opts: { jsonLogs?: boolean } = {}): Promise<NestFastifyApplication> {
  return createServiceApp(PartnershipAppModule.forEnv(env) as never, {
    service: 'partnership',
    title: 'Chanjiao partnership',
    description:
      'Partners, cooperation agreements, order classes, 1+X certificate pilots, industry colleges and training bases (partnerships office). Every change is published as a CloudEvent; agreements past expiresOn expire on their own.',
    env,
    errorMessagesZh: PARTNERSHIP_MESSAGES_ZH,
    ...opts,
  });
}
