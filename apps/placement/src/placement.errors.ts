import { failWith } from '@chanjiao/domain';
import type { ErrorMessagesZh } from '@chanjiao/domain';

/** Stable error codes of the placement service (documented in OpenAPI and the README). */
export enum PlacementErrorCode {
  InternshipNotFound = 'internship_not_found',
  /** The same internshipId posted for another student. */
  InternshipStudentConflict = 'internship_student_conflict',
  /** A completion dated otherwise than the one already recorded. */
  DateConflict = 'date_conflict',
  /** endDate before startDate. */
  InvalidDates = 'invalid_dates',
  DestinationNotFound = 'destination_not_found',
}

/** `fail` for this service's decisions: only its own codes compile. */
export const fail = failWith<PlacementErrorCode>();

/** The Chinese of every code (error answers carry it as `message_zh`): a code without one does not compile. */
export const PLACEMENT_MESSAGES_ZH: ErrorMessagesZh<PlacementErrorCode> = {
  internship_not_found: '没有该实习',
  internship_student_conflict: '该实习编号已登记给另一名学生',
  date_conflict: '日期与已记录的不一致',
  invalid_dates: '结束日期早于开始日期',
  destination_not_found: '没有该学生的毕业去向',
};
