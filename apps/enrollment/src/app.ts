import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ServiceEnv } from '@chanjiao/persistence';
import { createServiceApp } from '@chanjiao/platform';
import { EnrollmentAppModule } from './enrollment.module';

export function createEnrollmentApp(env: ServiceEnv, opts: { jsonLogs?: boolean } = {}): Promise<NestFastifyApplication> {
  return createServiceApp(EnrollmentAppModule.forEnv(env) as never, {
    title: 'Chanjiao enrollment',
    description: 'Programs and student enrollments of a college (admissions office). Every change is published as a CloudEvent.',
    env,
    ...opts,
  });
}
