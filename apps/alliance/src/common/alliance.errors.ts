import { failWith } from '@chanjiao/domain';

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
