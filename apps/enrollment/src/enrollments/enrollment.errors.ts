/** Stable error codes of the enrollment module (documented in OpenAPI and the README). */
export enum EnrollmentErrorCode {
  StudentNotFound = 'student_not_found',
  EnrollmentExists = 'enrollment_exists',
  InvalidTransition = 'invalid_transition',
  UnknownProgram = 'unknown_program',
  SameProgram = 'same_program',
  DateConflict = 'date_conflict',
}
