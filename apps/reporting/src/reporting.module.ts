import { DynamicModule, Module } from '@nestjs/common';
import { BROKER_HEALTH, PlatformModule } from '@chanjiao/edge';
import type { ReportingEnv } from './config';
import { ConsumerState } from './events/consumer.state';
import { ReportingMetrics } from './metrics/reporting.metrics';
import { MIGRATIONS } from './migrations';
import { ProjectionRegistry } from './projection/projection.registry';
import { ProjectionUnitOfWork } from './projection/projection.unit-of-work';
import { RebuildRunRepository } from './rebuild/rebuild-run.repository';
import { RebuildController } from './rebuild/rebuild.controller';
import { RebuildService } from './rebuild/rebuild.service';
import { REPORTING_ENTITIES } from './reporting.entities';
import { AlignmentReportController } from './reports/alignment-report.controller';
import { AlignmentReportService } from './reports/alignment-report.service';
import { AllianceReportController } from './reports/alliance-report.controller';
import { ExplainController } from './reports/explain.controller';
import { ExplainService } from './reports/explain.service';
import { AllianceReportService } from './reports/alliance-report.service';
import { CounterRepository } from './reports/counter.repository';
import { ReportCache } from './reports/report-cache';
import { ReportReader } from './reports/report-reader';
import { ReportStream } from './reports/report-stream';
import { EnrollmentReportService } from './reports/enrollment-report.service';
import { PartnershipReportController } from './reports/partnership-report.controller';
import { PartnershipReportService } from './reports/partnership-report.service';
import { ReportController } from './reports/report.controller';
import { PlacementReportController } from './reports/placement-report.controller';
import { PlacementReportService } from './reports/placement-report.service';
import { QualityReportController } from './reports/quality-report.controller';
import { DashboardAssets } from './dashboard/dashboard.assets';
import { DashboardController } from './dashboard/dashboard.controller';
import { QualityReportService } from './reports/quality-report.service';

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
          // Reporting takes no writes: its audit trail is the events it applied, each with the actor of its write.
          audit: 'event_log',
        }),
      ],
      controllers: [
        ReportController,
        PlacementReportController,
        PartnershipReportController,
        AllianceReportController,
        AlignmentReportController,
        QualityReportController,
        ExplainController,
        RebuildController,
        DashboardController,
      ],
      providers: [
        { provide: ConsumerState, useValue: consumer },
        { provide: ProjectionRegistry, useValue: new ProjectionRegistry({ localRegionPrefix: env.LOCAL_REGION_PREFIX }) },
        ReportCache,
        { provide: DashboardAssets, useValue: new DashboardAssets() },
        ReportReader,
        ReportStream,
        ProjectionUnitOfWork,
        CounterRepository,
        EnrollmentReportService,
        PlacementReportService,
        AllianceReportService,
        AlignmentReportService,
        PartnershipReportService,
        QualityReportService,
        ExplainService,
        ReportingMetrics,
        RebuildRunRepository,
        RebuildService,
      ],
      exports: [ConsumerState],
    };
  }
}
