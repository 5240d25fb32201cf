import { failWith } from '@chanjiao/domain';

/** Stable error codes of the enrollment module (documented in OpenAPI and the README). */
export enum EnrollmentErrorCode {
  StudentNotFound = 'student_not_found',
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
