import { DynamicModule, Module } from '@nestjs/common';
import { OUTBOX_ENTITIES } from '@chanjiao/messaging';
import { ServiceEnv } from '@chanjiao/config';
import { PlatformModule } from '@chanjiao/edge';
import { IMPORT_SPECS, ImportController, ImportJobEntity, ImportService } from '@chanjiao/imports';
import { AllianceActivityEntity } from './activities/activity.entity';
import { ActivityRepository } from './activities/activity.repository';
import { ActivityService } from './activities/activity.service';
import { AllianceController } from './alliances/alliance.controller';
import { AllianceEntity } from './alliances/alliance.entity';
import { AllianceRepository } from './alliances/alliance.repository';
import { AllianceService } from './alliances/alliance.service';
import { AllianceCharterEntity } from './charters/charter.entity';
import { CharterRepository } from './charters/charter.repository';
import { ContributionController } from './contributions/contribution.controller';
import { AllianceContributionEntity } from './contributions/contribution.entity';
import { ContributionRepository } from './contributions/contribution.repository';
import { ContributionService } from './contributions/contribution.service';
import { MemberController } from './members/member.controller';
import { AllianceMemberEntity } from './members/member.entity';
import { MemberRepository } from './members/member.repository';
import { MemberService } from './members/member.service';
import { allianceImportSpecs } from './imports/alliance.imports';
import { MIGRATIONS } from './migrations';

export const ALLIANCE_ENTITIES = [
  AllianceEntity,
  AllianceMemberEntity,
  AllianceCharterEntity,
  AllianceContributionEntity,
  AllianceActivityEntity,
  ...OUTBOX_ENTITIES,
  ImportJobEntity,
];

@Module({})
export class AllianceAppModule {
  static forEnv(env: ServiceEnv): DynamicModule {
    return {
      module: AllianceAppModule,
      imports: [
        PlatformModule.forService({ service: 'alliance', env, entities: ALLIANCE_ENTITIES, migrations: MIGRATIONS, publishes: true }),
      ],
      controllers: [AllianceController, MemberController, ContributionController, ImportController],
      providers: [
        AllianceRepository,
        AllianceService,
        CharterRepository,
        MemberRepository,
        MemberService,
        ContributionRepository,
        ContributionService,
        ActivityRepository,
        ActivityService,
        ImportService,
        {
          provide: IMPORT_SPECS,
          useFactory: allianceImportSpecs,
          inject: [AllianceService, MemberService, ContributionService, ActivityService],
        },
      ],
    };
  }
}
