import {
  Pathway,
  ProgramLevel,
  StudentCancelled,
  StudentEnrolled,
  StudentGraduated,
  StudentTransferred,
  StudentWithdrew,
} from '@chanjiao/contracts';
import { Decision, Emit, emit, unchanged } from '@chanjiao/domain';
import { EnrollmentErrorCode as Code, fail } from './enrollment.errors';

export type EnrollmentStatus = 'enrolled' | 'cancelled' | 'withdrawn' | 'graduated';

export interface Transfer {
  date: string;
  fromProgramCode: string;
  programCode: string;
}

export interface EnrollmentInput {
  studentId: string;
  programCode: string;
  cohortYear: number;
  level: ProgramLevel;
  pathway: Pathway;
  partnerInstitution: string | null;
  orderClassId: string | null;
  apprenticeship: boolean;
  originRegion: string | null;
}

export interface EnrollmentState extends EnrollmentInput {
  status: EnrollmentStatus;
  cancelledOn: string | null;
  withdrawnOn: string | null;
  withdrawalReason: string | null;
  graduatedOn: string | null;
  graduationYear: number | null;
  transfers: Transfer[];
  version: number;
}

export type LifecycleCommand =
  | { kind: 'cancellation'; date: string }
  | { kind: 'withdrawal'; date: string; reason: string | null }
  | { kind: 'transfer'; date: string; programCode: string }
  | { kind: 'graduation'; date: string; graduationYear: number };

export type EnrollmentDecision = Decision<EnrollmentState>;

const sameInput = (a: EnrollmentInput, b: EnrollmentInput) =>
  a.programCode === b.programCode &&
  a.cohortYear === b.cohortYear &&
  a.level === b.level &&
  a.pathway === b.pathway &&
  a.partnerInstitution === b.partnerInstitution &&
  a.orderClassId === b.orderClassId &&
  a.apprenticeship === b.apprenticeship &&
  a.originRegion === b.originRegion;

/** POST /enrollments: new student, or a no-op repeat; different content for a known student is a conflict. */
export function decideEnroll(existing: EnrollmentState | undefined, input: EnrollmentInput): EnrollmentDecision {
  if (existing) {
    // A transfer changes programCode: compare with the program the student enrolled in.
    const original = Object.assign({}, existing, { programCode: existing.transfers[0]?.fromProgramCode ?? existing.programCode });
    if (sameInput(original, input)) return unchanged(existing);
    return fail(
      'conflict',
      Code.EnrollmentExists,
      `student ${input.studentId} is already enrolled with other details; use the life-cycle routes to change it`,
      'studentId',
    );
  }
  const state: EnrollmentState = Object.assign({}, input, {
    status: 'enrolled' as const,
    cancelledOn: null,
    withdrawnOn: null,
    withdrawalReason: null,
    graduatedOn: null,
    graduationYear: null,
    transfers: [],
    version: 1,
  });
  return { ok: true, outcome: 'created', state, emit: emit(StudentEnrolled, { ...input }) };
}

/** Cancellation, withdrawal, transfer, graduation; a repeat with the same content is a no-op. */
export function decideLifecycle(existing: EnrollmentState | undefined, studentId: string, cmd: LifecycleCommand): EnrollmentDecision {
  if (!existing) return fail('not_found', Code.StudentNotFound, `no enrollment for student ${studentId}`, 'studentId');
  /** A change's date must fall in the student's time at the college: not before the cohort's year nor the last transfer. */
  const outOfOrder = (): EnrollmentDecision | undefined => {
    if (cmd.date < `${existing.cohortYear}-01-01`) {
      return fail(
        'invalid',
        Code.DateBeforeCohort,
        `date ${cmd.date} is before cohort year ${existing.cohortYear} of student ${studentId}`,
        'date',
      );
    }
    const last = existing.transfers.at(-1);
    if (last && cmd.date < last.date) {
      return fail('conflict', Code.DateBeforeLastChange, `date ${cmd.date} is before the student's transfer on ${last.date}`, 'date');
    }
    return undefined;
  };
  /** Every change of state goes through here, so its date is checked once for all of them. */
  const next = (patch: Partial<EnrollmentState>, e: Emit): EnrollmentDecision =>
    outOfOrder() ?? {
      ok: true,
      outcome: 'updated',
      state: Object.assign({}, existing, patch, { version: existing.version + 1 }),
      emit: e,
    };
  const repeat = unchanged(existing);
  const notEnrolled = () =>
    fail('conflict', Code.InvalidTransition, `student ${studentId} is ${existing.status}; a ${cmd.kind} needs an enrolled student`);

  switch (cmd.kind) {
    case 'cancellation':
      if (existing.status === 'cancelled') {
        return existing.cancelledOn === cmd.date
          ? repeat
          : fail('conflict', Code.DateConflict, `already cancelled on ${existing.cancelledOn}`, 'date');
      }
      if (existing.status !== 'enrolled' || existing.transfers.length > 0) return notEnrolled();
      return next({ status: 'cancelled', cancelledOn: cmd.date }, emit(StudentCancelled, { studentId, date: cmd.date }));
    case 'withdrawal':
      if (existing.status === 'withdrawn') {
        return existing.withdrawnOn === cmd.date && existing.withdrawalReason === cmd.reason
          ? repeat
          : fail('conflict', Code.DateConflict, `already withdrawn on ${existing.withdrawnOn}`, 'date');
      }
      if (existing.status !== 'enrolled') return notEnrolled();
      return next(
        { status: 'withdrawn', withdrawnOn: cmd.date, withdrawalReason: cmd.reason },
        emit(StudentWithdrew, { studentId, date: cmd.date }),
      );
    case 'transfer': {
      const last = existing.transfers.at(-1);
      if (last && last.date === cmd.date && last.programCode === cmd.programCode) return repeat;
      if (existing.status !== 'enrolled') return notEnrolled();
      if (existing.programCode === cmd.programCode) {
        return fail('conflict', Code.SameProgram, `student ${studentId} is already in program ${cmd.programCode}`, 'programCode');
      }
      const transfer: Transfer = { date: cmd.date, fromProgramCode: existing.programCode, programCode: cmd.programCode };
      return next(
        { programCode: cmd.programCode, transfers: [...existing.transfers, transfer] },
        emit(StudentTransferred, Object.assign({ studentId }, transfer)),
      );
    }
    case 'graduation':
      if (existing.status === 'graduated') {
        return existing.graduatedOn === cmd.date && existing.graduationYear === cmd.graduationYear
          ? repeat
          : fail('conflict', Code.DateConflict, `already graduated on ${existing.graduatedOn} (${existing.graduationYear})`, 'date');
      }
      if (existing.status !== 'enrolled') return notEnrolled();
      if (cmd.graduationYear < existing.cohortYear) {
        return fail(
          'invalid',
          Code.InvalidGraduationYear,
          `graduationYear ${cmd.graduationYear} is before cohort year ${existing.cohortYear} of student ${studentId}`,
          'graduationYear',
        );
      }
      return next(
        { status: 'graduated', graduatedOn: cmd.date, graduationYear: cmd.graduationYear },
        emit(StudentGraduated, { studentId, date: cmd.date, graduationYear: cmd.graduationYear, programCode: existing.programCode }),
      );
    default: {
      const never: never = cmd;
      throw new Error(`unhandled command ${JSON.stringify(never)}`);
    }
  }
}
