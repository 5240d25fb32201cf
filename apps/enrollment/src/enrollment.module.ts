import { DynamicModule, Module } from '@nestjs/common';
import { OUTBOX_ENTITIES } from '@chanjiao/messaging';
import { ServiceEnv } from '@chanjiao/config';
import { PlatformModule } from '@chanjiao/edge';
import { IMPORT_SPECS, ImportController, ImportJobEntity, ImportService } from '@chanjiao/imports';
import { EnrollmentController } from './enrollments/enrollment.controller';
import { EnrollmentEntity } from './enrollments/enrollment.entity';
import { EnrollmentRepository } from './enrollments/enrollment.repository';
import { EnrollmentService } from './enrollments/enrollment.service';
import { enrollmentImportSpecs } from './imports/enrollment.imports';
import { MIGRATIONS } from './migrations';
import { ProgramController } from './programs/program.controller';
import { ProgramEntity } from './programs/program.entity';
import { ProgramRepository } from './programs/program.repository';
import { ProgramService } from './programs/program.service';

export const ENROLLMENT_ENTITIES = [ProgramEntity, EnrollmentEntity, ...OUTBOX_ENTITIES, ImportJobEntity];

@Module({})
export class EnrollmentAppModule {
  static forEnv(env: ServiceEnv): DynamicModule {
    return {
      module: EnrollmentAppModule,
      imports: [
        PlatformModule.forService({ service: 'enrollment', env, entities: ENROLLMENT_ENTITIES, migrations: MIGRATIONS, publishes: true }),
      ],
      controllers: [ProgramController, EnrollmentController, ImportController],
      providers: [
        ProgramRepository,
        ProgramService,
        EnrollmentRepository,
        EnrollmentService,
        ImportService,
        { provide: IMPORT_SPECS, useFactory: enrollmentImportSpecs, inject: [ProgramService, EnrollmentService] },
      ],
    };
  }
}
