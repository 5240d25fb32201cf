import { DynamicModule, Module } from '@nestjs/common';
import { OUTBOX_ENTITIES } from '@chanjiao/messaging';
import { PlatformModule } from '@chanjiao/edge';
import { IMPORT_SPECS, ImportController, ImportJobEntity, ImportService } from '@chanjiao/imports';
import { AgreementExpiryJob, EXPIRY_INTERVAL_MS } from './agreements/agreement-expiry.job';
import { AgreementController } from './agreements/agreement.controller';
import { AgreementEntity } from './agreements/agreement.entity';
import { AgreementRepository } from './agreements/agreement.repository';
import { AgreementService } from './agreements/agreement.service';
import { CertificatePilotController } from './certificate-pilots/certificate-pilot.controller';
import { CertificatePilotEntity } from './certificate-pilots/certificate-pilot.entity';
import { CertificatePilotRepository } from './certificate-pilots/certificate-pilot.repository';
import { CertificatePilotService } from './certificate-pilots/certificate-pilot.service';
import { Clock } from './common/clock';
import type { PartnershipEnv } from './config';
import { IndustryCollegeController } from './industry-colleges/industry-college.controller';
import { IndustryCollegeEntity } from './industry-colleges/industry-college.entity';
import { IndustryCollegeRepository } from './industry-colleges/industry-college.repository';
import { IndustryCollegeService } from './industry-colleges/industry-college.service';
import { partnershipImportSpecs } from './imports/partnership.imports';
import { MIGRATIONS } from './migrations';
import { OrderClassController } from './order-classes/order-class.controller';
import { OrderClassEntity } from './order-classes/order-class.entity';
import { OrderClassRepository } from './order-classes/order-class.repository';
import { OrderClassService } from './order-classes/order-class.service';
import { PartnerController } from './partners/partner.controller';
import { PartnerEntity } from './partners/partner.entity';
import { PartnerRepository } from './partners/partner.repository';
import { PartnerService } from './partners/partner.service';
import { TrainingBaseController } from './training-bases/training-base.controller';
import { TrainingBaseEntity, TrainingBaseInvestmentEntity } from './training-bases/training-base.entity';
import { InvestmentRepository, TrainingBaseRepository } from './training-bases/training-base.repository';
import { TrainingBaseService } from './training-bases/training-base.service';

export const PARTNERSHIP_ENTITIES = [
  PartnerEntity,
  AgreementEntity,
  OrderClassEntity,
  CertificatePilotEntity,
  IndustryCollegeEntity,
  TrainingBaseEntity,
  TrainingBaseInvestmentEntity,
  ...OUTBOX_ENTITIES,
  ImportJobEntity,
];

@Module({})
export class PartnershipAppModule {
  static forEnv(env: PartnershipEnv): DynamicModule {
    return {
      module: PartnershipAppModule,
      imports: [
        PlatformModule.forService({ service: 'partnership', env, entities: PARTNERSHIP_ENTITIES, migrations: MIGRATIONS, publishes: true }),
      ],
      controllers: [
        PartnerController,
        AgreementController,
        OrderClassController,
        CertificatePilotController,
        IndustryCollegeController,
        TrainingBaseController,
        ImportController,
      ],
      providers: [
        { provide: Clock, useValue: new Clock() },
        { provide: EXPIRY_INTERVAL_MS, useValue: env.AGREEMENT_EXPIRY_INTERVAL_MS },
        PartnerRepository,
        PartnerService,
        AgreementRepository,
        AgreementService,
        AgreementExpiryJob,
        OrderClassRepository,
        OrderClassService,
        CertificatePilotRepository,
        CertificatePilotService,
        IndustryCollegeRepository,
        IndustryCollegeService,
        TrainingBaseRepository,
        InvestmentRepository,
        TrainingBaseService,
        ImportService,
        {
          provide: IMPORT_SPECS,
          useFactory: partnershipImportSpecs,
          inject: [
            PartnerService,
            AgreementService,
            OrderClassService,
            CertificatePilotService,
            IndustryCollegeService,
            TrainingBaseService,
          ],
        },
      ],
    };
  }
}
