import {
  ACTIVITY_KIND_LABELS,
  ALLIANCE_MEMBER_KIND_LABELS,
  ALLIANCE_ROLE_LABELS,
  ALLIANCE_SCOPE_LABELS,
  CONTRIBUTION_KIND_LABELS,
  SECTOR_LABELS,
} from '@chanjiao/contracts';
import { col, enumCol, ImportSpec } from '@chanjiao/imports';
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
      col('allianceId', ['联盟编号', '聯盟編號'], 'string', 'BZ-TEXTILE'),
      col('name', ['联盟名称', '聯盟名稱'], 'string', '河北—巴州纺织服装职业教育联盟'),
      enumCol('scope', ['联盟类型', '聯盟類型'], ALLIANCE_SCOPE_LABELS, 'cross_province'),
      enumCol('sector', ['面向产业', '面向產業'], SECTOR_LABELS, 'textiles', false),
      col('foundedOn', '成立日期', 'date', '2019-05-20'),
      enumCol('role', '本校角色', ALLIANCE_ROLE_LABELS, 'chair'),
    ],
    write: (ctx, items) => alliances.putMany(ctx, items),
  };
  const membersSpec: ImportSpec<JoinBatchItemDto> = {
    entity: 'members',
    idColumn: 'memberId',
    dto: JoinBatchItemDto,
    columns: [
      col('allianceId', ['联盟编号', '聯盟編號'], 'string', 'BZ-TEXTILE'),
      col('memberId', ['成员编号', '成員編號'], 'string', 'E-0042'),
      enumCol('memberKind', ['成员类型', '成員類型'], ALLIANCE_MEMBER_KIND_LABELS, 'enterprise'),
      enumCol('role', ['成员角色', '成員角色'], ALLIANCE_ROLE_LABELS, 'member'),
      col('joinedOn', '加入日期', 'date', '2020-03-01'),
    ],
    write: (ctx, items) => members.joinMany(ctx, items),
  };
  const rolesSpec: ImportSpec<RoleChangeBatchItemDto> = {
    entity: 'member-roles',
    idColumn: 'memberId',
    dto: RoleChangeBatchItemDto,
    columns: [
      col('allianceId', ['联盟编号', '聯盟編號'], 'string', 'BZ-TEXTILE'),
      col('memberId', ['成员编号', '成員編號'], 'string', 'E-0042'),
      enumCol('role', '新角色', ALLIANCE_ROLE_LABELS, 'council'),
      col('date', ['变更日期', '變更日期'], 'date', '2022-06-01'),
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
    columns: [
      col('allianceId', ['联盟编号', '聯盟編號'], 'string', 'BZ-TEXTILE'),
      col('memberId', ['成员编号', '成員編號'], 'string', 'E-0042'),
      col('date', '退出日期', 'date', '2022-12-31'),
    ],
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
      col('allianceId', ['联盟编号', '聯盟編號'], 'string', 'BZ-TEXTILE'),
      col('version', '章程版本', 'integer', '1'),
      col('adoptedOn', ['通过日期', '通過日期'], 'date', '2019-05-20'),
      col('summary', '摘要', 'string', '联盟章程（第一版）', false),
    ],
    write: (ctx, items) => alliances.adoptCharters(ctx, items),
  };
  const contributionsSpec: ImportSpec<ContributionBatchItemDto> = {
    entity: 'contributions',
    idColumn: 'contributionId',
    dto: ContributionBatchItemDto,
    columns: [
      col('allianceId', ['联盟编号', '聯盟編號'], 'string', 'BZ-TEXTILE'),
      col('contributionId', ['贡献编号', '貢獻編號'], 'string', 'C-2022-001'),
      col('memberId', ['成员编号', '成員編號'], 'string', 'E-0042'),
      enumCol('kind', ['贡献类型', '貢獻類型'], CONTRIBUTION_KIND_LABELS, 'funds'),
      col('amount', ['金额（元）', '金額（元）'], 'decimal', '150000.00', false),
      col('description', ['说明', '說明'], 'string', '实训设备专项资金', false),
      col('date', '日期', 'date', '2022-05-10'),
    ],
    write: (ctx, items) => contributions.recordMany(ctx, items),
  };
  const activitiesSpec: ImportSpec<ActivityBatchItemDto> = {
    entity: 'activities',
    idColumn: 'activityId',
    dto: ActivityBatchItemDto,
    columns: [
      col('allianceId', ['联盟编号', '聯盟編號'], 'string', 'BZ-TEXTILE'),
      col('activityId', ['活动编号', '活動編號'], 'string', 'F-2022-01'),
      enumCol('kind', ['活动类型', '活動類型'], ACTIVITY_KIND_LABELS, 'forum'),
      col('title', ['活动名称', '活動名稱'], 'string', '2022 巴州职业教育产教融合论坛'),
      col('date', ['活动日期', '活動日期'], 'date', '2022-09-16'),
      col('online', ['是否线上', '是否線上'], 'boolean', 'false'),
      col('participants', ['参与单位', '參與單位'], 'list', 'E-0042;巴音郭楞职业技术学院', false),
      col('participantCount', ['参与人数', '參與人數'], 'integer', '45', false),
    ],
    write: (ctx, items) => activities.recordMany(ctx, items),
  };
  return [alliancesSpec, membersSpec, rolesSpec, departuresSpec, chartersSpec, contributionsSpec, activitiesSpec] as ImportSpec[];
}
