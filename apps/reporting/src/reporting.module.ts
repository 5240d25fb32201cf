import { DynamicModule, Module } from '@nestjs/common';
import { ServiceEnv } from '@chanjiao/persistence';
import { BROKER_HEALTH, PlatformModule } from '@chanjiao/platform';
import { ConsumerState } from './events/consumer.state';
import { EnrollmentEventsHandler } from './events/enrollment-events.handler';
import { MIGRATIONS } from './migrations';
import { ChangeFeed } from './projection/change-feed';
import { ProjectionUnitOfWork } from './projection/projection.unit-of-work';
import { REPORTING_ENTITIES } from './reporting.entities';
import { CounterRepository } from './reports/counter.repository';
import { EnrollmentReportService } from './reports/enrollment-report.service';
import { ReportController } from './reports/report.controller';

@Module({})
export class ReportingAppModule {
  static forEnv(env: ServiceEnv): DynamicModule {
    const consumer = new ConsumerState();
    return {
      module: ReportingAppModule,
      imports: [
        PlatformModule.forService({
          service: 'reporting',
          env,
          entities: REPORTING_ENTITIES,
          migrations: MIGRATIONS,
          publishes: false,
          brokerHealth: { provide: BROKER_HEALTH, useValue: consumer },
        }),
      ],
      controllers: [ReportController, EnrollmentEventsHandler],
      providers: [
        { provide: ConsumerState, useValue: consumer },
        ChangeFeed,
        ProjectionUnitOfWork,
        CounterRepository,
        EnrollmentReportService,
      ],
      exports: [ConsumerState],
    };
  }
}
