import { failWith } from '@chanjiao/domain';

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
