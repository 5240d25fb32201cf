import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ServiceEnv } from '@chanjiao/config';
import { createServiceApp } from '@chanjiao/edge';
import { PlacementAppModule } from './placement.module';
import { PLACEMENT_MESSAGES_ZH } from './placement.errors';

export function createPlacementApp(env: ServiceEnv, opts: { jsonLogs?: boolean } = {}): Promise<NestFastifyApplication> {
  return createServiceApp(PlacementAppModule.forEnv(env) as never, {
    service: 'placement',
    title: 'Chanjiao placement',
    description:
      'Internships and graduate destinations (careers office). Destinations are versioned with effective dates; every change is published as a CloudEvent.',
    env,
    errorMessagesZh: PLACEMENT_MESSAGES_ZH,
    ...opts,
  });
}
