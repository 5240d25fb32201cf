import { DynamicModule, Module } from '@nestjs/common';
import { OUTBOX_ENTITIES } from '@chanjiao/messaging';
import { ServiceEnv } from '@chanjiao/config';
import { PlatformModule } from '@chanjiao/edge';
import { IMPORT_SPECS, ImportController, ImportJobEntity, ImportService } from '@chanjiao/imports';
import { DestinationController } from './destinations/destination.controller';
import { DestinationVersionEntity } from './destinations/destination.entity';
import { DestinationRepository } from './destinations/destination.repository';
import { DestinationService } from './destinations/destination.service';
import { InternshipController } from './internships/internship.controller';
import { InternshipEntity } from './internships/internship.entity';
import { InternshipRepository } from './internships/internship.repository';
import { InternshipService } from './internships/internship.service';
import { placementImportSpecs } from './imports/placement.imports';
import { MIGRATIONS } from './migrations';

export const PLACEMENT_ENTITIES = [InternshipEntity, DestinationVersionEntity, ...OUTBOX_ENTITIES, ImportJobEntity];

@Module({})
export class PlacementAppModule {
  static forEnv(env: ServiceEnv): DynamicModule {
    return {
      module: PlacementAppModule,
      imports: [
        PlatformModule.forService({ service: 'placement', env, entities: PLACEMENT_ENTITIES, migrations: MIGRATIONS, publishes: true }),
      ],
      controllers: [InternshipController, DestinationController, ImportController],
      providers: [
        InternshipRepository,
        InternshipService,
        DestinationRepository,
        DestinationService,
        ImportService,
        { provide: IMPORT_SPECS, useFactory: placementImportSpecs, inject: [InternshipService, DestinationService] },
      ],
    };
  }
}
