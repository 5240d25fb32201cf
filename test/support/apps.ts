import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadServiceEnv } from '@chanjiao/config';
import { createEnrollmentApp } from '../../apps/enrollment/src/app';
import { createPlacementApp } from '../../apps/placement/src/app';
import { createAllianceApp } from '../../apps/alliance/src/app';
import { createPartnershipApp } from '../../apps/partnership/src/app';
import { loadPartnershipEnv } from '../../apps/partnership/src/config';
import { createReportingApp } from '../../apps/reporting/src/app';
import { loadReportingEnv } from '../../apps/reporting/src/config';
import { ConsumerState } from '../../apps/reporting/src/events/consumer.state';

/** How tests boot each service in-process (the same factories `main.ts` uses). */
export const APP_FACTORIES = {
  enrollment: (env: NodeJS.ProcessEnv) => createEnrollmentApp(loadServiceEnv('enrollment', env), { jsonLogs: false }),
  placement: (env: NodeJS.ProcessEnv) => createPlacementApp(loadServiceEnv('placement', env), { jsonLogs: false }),
  alliance: (env: NodeJS.ProcessEnv) => createAllianceApp(loadServiceEnv('alliance', env), { jsonLogs: false }),
  partnership: (env: NodeJS.ProcessEnv) => createPartnershipApp(loadPartnershipEnv(env), { jsonLogs: false }),
  reporting: async (env: NodeJS.ProcessEnv) => createReportingApp(loadReportingEnv(env), { jsonLogs: false }),
} satisfies Record<string, (env: NodeJS.ProcessEnv) => Promise<NestFastifyApplication>>;

export type StackService = keyof typeof APP_FACTORIES;

/** Resolves once a started app is ready for traffic (reporting: its queue is bound and consumed). */
export async function appReady(service: StackService, app: NestFastifyApplication): Promise<void> {
  if (service === 'reporting') await app.get(ConsumerState).ready();
}
