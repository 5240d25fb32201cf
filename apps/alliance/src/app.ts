import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ServiceEnv } from '@chanjiao/config';
import { createServiceApp } from '@chanjiao/edge';
import { AllianceAppModule } from './alliance.module';
import { ALLIANCE_MESSAGES_ZH } from './common/alliance.errors';

export function createAllianceApp(env: ServiceEnv, opts: { jsonLogs?: boolean } = {}): Promise<NestFastifyApplication> {
  return createServiceApp(AllianceAppModule.forEnv(env) as never, {
    service: 'alliance',
    title: 'Chanjiao alliance',
    description:
      'Vocational-education alliances the college chairs or serves (alliance secretariat): members, charters, pooled resources, activities. Every change is published as a CloudEvent.',
    env,
    errorMessagesZh: ALLIANCE_MESSAGES_ZH,
    ...opts,
  });
}
