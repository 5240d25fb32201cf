import { col, ImportSpec } from '@chanjiao/imports';
import { ActivityBatchItemDto } from '../activities/activity.dto';
import { ActivityService } from '../activities/activity.service';
import { AllianceBatchItemDto } from '../alliances/alliance.dto';
import { AllianceService } from '../alliances/alliance.service';
import { CharterBatchItemDto } from '../charters/charter.dto';
import { ContributionBatchItemDto } from '../contributions/contribution.dto';
import { ContributionService } from '../contributions/contribution.service';
import { DepartureBatchItemDto, JoinBatchItemDto, RoleChangeBatchItemDto } from '../members/member.dto';
import { MemberService } from '../members/member.service';

/**
 * What the alliance secretariat can load from a spreadsheet: the same fields and rules as the API
 * (the batch items, which carry `allianceId`). The example rows build on one another: the example
 * member joins the example alliance, and the example role change, contribution and departure are
 * about that member, so each template's example row imports cleanly once the earlier ones are in
 * (alliances → members → member-roles → contributions → member-departures; charters and activities
 * need only the alliance).
 */
export function allianceImportSpecs(
  alliances: AllianceService,
  members: MemberService,
  contributions: ContributionService,
  activities: ActivityService,
): ImportSpec[] {
  const alliancesSpec: ImportSpec<AllianceBatchItemDto> = {
    entity: 'alliances',
    idColumn: 'allianceId',
    dto: AllianceBatchItemDto,
    columns: [
      col('allianceId', 'string', 'BZ-TEXTILE'),
      col('name', 'string', '河北—巴州纺织服装职业教育联盟'),
      col('scope', 'string', 'cross_province'),
      col('sector', 'string', 'textiles', false),
      col('foundedOn', 'date', '2019-05-20'),
      col('role', 'string', 'chair'),
    ],
    write: (ctx, items) => alliances.putMany(ctx, items),
  };
  const membersSpec: ImportSpec<JoinBatchItemDto> = {
    entity: 'members',
    idColumn: 'memberId',
    dto: JoinBatchItemDto,
    columns: [
      col('allianceId', 'string', 'BZ-TEXTILE'),
      col('memberId', 'string', 'E-0042'),
      col('memberKind', 'string', 'enterprise'),
      col('role', 'string', 'member'),
      col('joinedOn', 'date', '2020-03-01'),
    ],
    write: (ctx, items) => members.joinMany(ctx, items),
  };
  const rolesSpec: ImportSpec<RoleChangeBatchItemDto> = {
    entity: 'member-roles',
    idColumn: 'memberId',
    dto: RoleChangeBatchItemDto,
    columns: [
      col('allianceId', 'string', 'BZ-TEXTILE'),
      col('memberId', 'string', 'E-0042'),
      col('role', 'string', 'council'),
      col('date', 'date', '2022-06-01'),
    ],
    write: (ctx, items) =>
      members.changeMany(
        ctx,
        items.map((i) => ({
          allianceId: i.allianceId,
          memberId: i.memberId,
          command: { kind: 'role_change', role: i.role, date: i.date },
        })),
      ),
  };
  const departuresSpec: ImportSpec<DepartureBatchItemDto> = {
    entity: 'member-departures',
    idColumn: 'memberId',
    dto: DepartureBatchItemDto,
    columns: [col('allianceId', 'string', 'BZ-TEXTILE'), col('memberId', 'string', 'E-0042'), col('date', 'date', '2022-12-31')],
    write: (ctx, items) =>
      members.changeMany(
        ctx,
        items.map((i) => ({ allianceId: i.allianceId, memberId: i.memberId, command: { kind: 'departure', date: i.date } })),
      ),
  };
  const chartersSpec: ImportSpec<CharterBatchItemDto> = {
    entity: 'charters',
    idColumn: 'version',
    dto: CharterBatchItemDto,
    columns: [
      col('allianceId', 'string', 'BZ-TEXTILE'),
      col('version', 'integer', '1'),
      col('adoptedOn', 'date', '2019-05-20'),
      col('summary', 'string', '联盟章程（第一版）', false),
    ],
    write: (ctx, items) => alliances.adoptCharters(ctx, items),
  };
  const contributionsSpec: ImportSpec<ContributionBatchItemDto> = {
    entity: 'contributions',
    idColumn: 'contributionId',
    dto: ContributionBatchItemDto,
    columns: [
      col('allianceId', 'string', 'BZ-TEXTILE'),
      col('contributionId', 'string', 'C-2022-001'),
      col('memberId', 'string', 'E-0042'),
      col('kind', 'string', 'funds'),
      col('amount', 'decimal', '150000.00', false),
      col('description', 'string', '实训设备专项资金', false),
      col('date', 'date', '2022-05-10'),
    ],
    write: (ctx, items) => contributions.recordMany(ctx, items),
  };
  const activitiesSpec: ImportSpec<ActivityBatchItemDto> = {
    entity: 'activities',
    idColumn: 'activityId',
    dto: ActivityBatchItemDto,
    columns: [
      col('allianceId', 'string', 'BZ-TEXTILE'),
      col('activityId', 'string', 'F-2022-01'),
      col('kind', 'string', 'forum'),
      col('title', 'string', '2022 巴州职业教育产教融合论坛'),
      col('date', 'date', '2022-09-16'),
      col('online', 'boolean', 'false'),
      col('participants', 'list', 'E-0042;巴音郭楞职业技术学院', false),
      col('participantCount', 'integer', '45', false),
    ],
    write: (ctx, items) => activities.recordMany(ctx, items),
  };
  return [alliancesSpec, membersSpec, rolesSpec, departuresSpec, chartersSpec, contributionsSpec, activitiesSpec] as ImportSpec[];
}
