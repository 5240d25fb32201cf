import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AmqpEventServer } from '@chanjiao/messaging';
import { createServiceApp } from '@chanjiao/edge';
import { WorkerPauses } from '@chanjiao/persistence';
import { ReportingEnv, reportingTopology } from './config';
import { ConsumerState } from './events/consumer.state';
import { ProjectionRegistry } from './projection/projection.registry';
import { ProjectionTransaction, ProjectionUnitOfWork } from './projection/projection.unit-of-work';
import { ReportingAppModule } from './reporting.module';
import { REPORTING_MESSAGES_ZH } from './reporting.errors';

export async function createReportingApp(env: ReportingEnv, opts: { jsonLogs?: boolean } = {}): Promise<NestFastifyApplication> {
  const app = await createServiceApp(ReportingAppModule.forEnv(env) as never, {
    service: 'reporting',
    title: 'Chanjiao reporting',
    description: 'Read models kept up to date from every event: the annual figures, reports and freshness.',
    env,
    errorMessagesZh: REPORTING_MESSAGES_ZH,
    ...opts,
    beforeInit: (app) => {
      const server = new AmqpEventServer<ProjectionTransaction>({
        url: env.AMQP_URL,
        name: 'reporting-consumer',
        unitOfWork: app.get(ProjectionUnitOfWork),
        // Every type the projection registry lists, applied by the engine itself: no handler per event type.
        applier: {
          types: app.get(ProjectionRegistry).types(),
          apply: (event, tx) => {
            tx.project(event);
          },
        },
        prefetch: env.CONSUMER_PREFETCH,
        batchSize: env.CONSUMER_BATCH_SIZE,
        batchWindowMs: env.CONSUMER_BATCH_WINDOW_MS,
        concurrency: env.CONSUMER_CONCURRENCY,
        topology: reportingTopology(env),
        pauses: app.get(WorkerPauses),
      });
      app.get(ConsumerState).server = server;
      // HTTP pipes and filters stay with HTTP (no inheritAppConfig); the applier runs outside Nest's RPC pipeline.
      app.connectMicroservice({ strategy: server });
    },
  });
  await app.startAllMicroservices();
  return app;
}
