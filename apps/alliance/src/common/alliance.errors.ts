import { failWith } from '@chanjiao/domain';
import type { ErrorMessagesZh } from '@chanjiao/domain';

/** Stable error codes of the alliance service (documented in OpenAPI and the README). */
export enum AllianceErrorCode {
  AllianceNotFound = 'alliance_not_found',
  SubjectTooLong = 'id_too_long',
  JoinBeforeFounding = 'join_before_founding',
  /** A charter or an activity dated before the alliance was founded. */
  DateBeforeFounding = 'date_before_founding',
  /** A foundedOn moved past the alliance's first record (a join, charter, activity or contribution). */
  FoundingAfterRecords = 'founding_after_records',
  MemberNotFound = 'member_not_found',
  MemberActive = 'member_already_active',
  MemberNotActive = 'member_not_active',
  JoinOverlapsMembership = 'join_overlaps_membership',
  DateBeforeLastChange = 'date_before_last_change',
  CharterVersionExists = 'charter_version_exists',
  CharterVersionNotIncreasing = 'charter_version_not_increasing',
  CharterDateBeforePrevious = 'charter_date_before_previous',
  ContributionExists = 'contribution_exists',
  UnknownMember = 'unknown_member',
  MemberNotCurrent = 'member_not_current',
  ActivityExists = 'activity_exists',
}

/** `fail` for this service's decisions: only its own codes compile. */
export const fail = failWith<AllianceErrorCode>();

/** The Chinese of every code (error answers carry it as `message_zh`): a code without one does not compile. */
export const ALLIANCE_MESSAGES_ZH: ErrorMessagesZh<AllianceErrorCode> = {
  alliance_not_found: '没有该联盟',
  id_too_long: '编号过长',
  join_before_founding: '加入日期早于联盟成立日期',
  date_before_founding: '日期早于联盟成立日期',
  founding_after_records: '成立日期晚于联盟已有的记录（加入、章程、活动或资源投入）',
  member_not_found: '该单位从未是联盟成员',
  member_already_active: '该单位已是联盟成员',
  member_not_active: '该单位当前不是联盟成员',
  join_overlaps_membership: '加入日期与已有的成员期重叠',
  date_before_last_change: '日期早于该成员最近一次变更',
  charter_version_exists: '该章程版本已存在',
  charter_version_not_increasing: '章程版本必须大于已有的版本',
  charter_date_before_previous: '章程日期早于上一版本',
  contribution_exists: '该资源投入已存在',
  unknown_member: '该单位不是联盟成员',
  member_not_current: '该单位在该日期不是联盟成员',
  activity_exists: '该活动已存在',
};
