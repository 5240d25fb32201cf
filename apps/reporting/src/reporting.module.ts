import { DynamicModule, Module } from '@nestjs/common';
import { BROKER_HEALTH, PlatformModule } from '@chanjiao/platform';
import type { ReportingEnv } from './config';
import { ConsumerState } from './events/consumer.state';
import { EnrollmentEventsHandler } from './events/enrollment-events.handler';
import { PartnershipEventsHandler } from './events/partnership-events.handler';
import { MIGRATIONS } from './migrations';
import { ChangeFeed } from './projection/change-feed';
import { ProjectionRegistry } from './projection/projection.registry';
import { ProjectionUnitOfWork } from './projection/projection.unit-of-work';
import { REPORTING_ENTITIES } from './reporting.entities';
import { CounterRepository } from './reports/counter.repository';
import { EnrollmentReportService } from './reports/enrollment-report.service';
import { PartnershipReportController } from './reports/partnership-report.controller';
import { PartnershipReportService } from './reports/partnership-report.service';
import { ReportController } from './reports/report.controller';

@Module({})
export class ReportingAppModule {
  static forEnv(env: ReportingEnv): DynamicModule {
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
      controllers: [ReportController, EnrollmentEventsHandler, PartnershipReportController, PartnershipEventsHandler],
      providers: [
        { provide: ConsumerState, useValue: consumer },
        { provide: ProjectionRegistry, useValue: new ProjectionRegistry({ localRegionPrefix: env.LOCAL_REGION_PREFIX }) },
        ChangeFeed,
        ProjectionUnitOfWork,
        CounterRepository,
        EnrollmentReportService,
        PartnershipReportService,
      ],
      exports: [ConsumerState],
    };
  }
}
