import { failWith } from '@chanjiao/domain';
import type { ErrorMessagesZh } from '@chanjiao/domain';

/** Stable error codes of the enrollment module (documented in OpenAPI and the README). */
export enum EnrollmentErrorCode {
  StudentNotFound = 'student_not_found',
  ProgramNotFound = 'program_not_found',
  EnrollmentExists = 'enrollment_exists',
  InvalidTransition = 'invalid_transition',
  UnknownProgram = 'unknown_program',
  SameProgram = 'same_program',
  DateConflict = 'date_conflict',
  /** A life-cycle date before the year the student's cohort began. */
  DateBeforeCohort = 'date_before_cohort',
  /** A graduation year before the student's cohort year. */
  InvalidGraduationYear = 'invalid_graduation_year',
  /** A life-cycle date before the student's last recorded change (a transfer). */
  DateBeforeLastChange = 'date_before_last_change',
}

/** `fail` for this service's decisions: only its own codes compile. */
export const fail = failWith<EnrollmentErrorCode>();

/** The Chinese of every code (error answers carry it as `message_zh`): a code without one does not compile. */
export const ENROLLMENT_MESSAGES_ZH: ErrorMessagesZh<EnrollmentErrorCode> = {
  student_not_found: '没有该学生的在籍记录',
  program_not_found: '没有该专业',
  enrollment_exists: '该学生已有在籍记录',
  invalid_transition: '学生当前的学籍状态不允许此变更',
  unknown_program: '专业代码未登记',
  same_program: '学生已在该专业',
  date_conflict: '日期与已记录的不一致',
  date_before_cohort: '日期早于该学生的入学年份',
  invalid_graduation_year: '毕业年份早于入学年份',
  date_before_last_change: '日期早于该学生最近一次变更（转专业）',
};
