import { z } from 'zod';
import { defineEvent, EventOf } from '../define-event';
import { PATHWAYS, PROGRAM_LEVELS, PROGRAM_STATUSES, SECTORS } from '../reference';
import { zDate, zId, zRegion, zYear } from './common';

/** Full program snapshot: every program event carries it, so consumers never need earlier events. */
export const programSnapshot = z.object({
  code: zId,
  name: z.string().min(1).max(200),
  category: z.string().regex(/^\d{2}$/),
  cluster: z.string().min(1).max(200).nullable(),
  level: z.enum(PROGRAM_LEVELS),
  sectors: z.array(z.enum(SECTORS)).min(1),
  status: z.enum(PROGRAM_STATUSES),
});
export type ProgramSnapshot = z.infer<typeof programSnapshot>;

const programEvent = (description: string) =>
  ({ service: 'enrollment', entity: 'program', subject: 'program code', description, schema: programSnapshot }) as const;

export const ProgramOpened = defineEvent({
  type: 'enrollment.program.opened.v1',
  ...programEvent('A program was created open, or a suspended program reopened. Carries the whole program.'),
});
export const ProgramUpdated = defineEvent({
  type: 'enrollment.program.updated.v1',
  ...programEvent('Name, category, cluster, level or sectors of a program changed; status did not.'),
});
export const ProgramSuspended = defineEvent({
  type: 'enrollment.program.suspended.v1',
  ...programEvent('A program was created suspended, or an open program suspended. Carries the whole program.'),
});

const student = { service: 'enrollment', entity: 'student', subject: 'student number (institution-issued)' } as const;

export const StudentEnrolled = defineEvent({
  ...student,
  type: 'enrollment.student.enrolled.v1',
  description: 'A student enrolled in a program for a cohort year. No personal data: the student number only.',
  schema: z.object({
    studentId: zId,
    programCode: zId,
    cohortYear: zYear,
    level: z.enum(PROGRAM_LEVELS),
    pathway: z.enum(PATHWAYS),
    partnerInstitution: z.string().min(1).max(200).nullable(),
    orderClassId: zId.nullable(),
    apprenticeship: z.boolean(),
    originRegion: zRegion.nullable(),
  }),
});
export const StudentCancelled = defineEvent({
  ...student,
  type: 'enrollment.student.cancelled.v1',
  description: 'The enrollment was cancelled (no-show). Dated; intake counts exclude it from that date on.',
  schema: z.object({ studentId: zId, date: zDate }),
});
export const StudentWithdrew = defineEvent({
  ...student,
  type: 'enrollment.student.withdrawn.v1',
  description: 'The student withdrew. The free-text reason stays in the enrollment service (it may name people).',
  schema: z.object({ studentId: zId, date: zDate }),
});
export const StudentTransferred = defineEvent({
  ...student,
  type: 'enrollment.student.transferred.v1',
  description: 'The student moved to another program.',
  schema: z.object({ studentId: zId, date: zDate, fromProgramCode: zId, programCode: zId }),
});
export const StudentGraduated = defineEvent({
  ...student,
  type: 'enrollment.student.graduated.v1',
  description: 'The student graduated; graduationYear is the cohort the graduate is reported in.',
  schema: z.object({ studentId: zId, date: zDate, graduationYear: zYear, programCode: zId }),
});

export const ENROLLMENT_EVENTS = [
  ProgramOpened,
  ProgramUpdated,
  ProgramSuspended,
  StudentEnrolled,
  StudentCancelled,
  StudentWithdrew,
  StudentTransferred,
  StudentGraduated,
] as const;

export type ProgramEvent = EventOf<typeof ProgramOpened> | EventOf<typeof ProgramUpdated> | EventOf<typeof ProgramSuspended>;
export type StudentEvent =
  | EventOf<typeof StudentEnrolled>
  | EventOf<typeof StudentCancelled>
  | EventOf<typeof StudentWithdrew>
  | EventOf<typeof StudentTransferred>
  | EventOf<typeof StudentGraduated>;
