import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ServiceEnv } from '@chanjiao/config';
import { createServiceApp } from '@chanjiao/edge';
import { EnrollmentAppModule } from './enrollment.module';
import { ENROLLMENT_MESSAGES_ZH } from './enrollments/enrollment.errors';

export function createEnrollmentApp(env: ServiceEnv, opts: { jsonLogs?: boolean } = {}): Promise<NestFastifyApplication> {
  return createServiceApp(EnrollmentAppModule.forEnv(env) as never, {
    service: 'enrollment',
    title: 'Chanjiao enrollment',
    description: 'Programs and student enrollments of a college (admissions office). Every change is published as a CloudEvent.',
    env,
    errorMessagesZh: ENROLLMENT_MESSAGES_ZH,
    ...opts,
  });
}
