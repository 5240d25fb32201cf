import {
  CloudEvent,
  EventOf,
  KEY_SECTORS,
  Pathway,
  ProgramLevel,
  ProgramOpened,
  ProgramSnapshot,
  StudentCancelled,
  StudentEnrolled,
  StudentGraduated,
  StudentTransferred,
  StudentWithdrew,
} from '@chanjiao/contracts';
import type { Fact, Projection } from './projection';
import { CounterMetric } from './counter-metric';

const KEY = new Set<string>(KEY_SECTORS);

/** Programs: the latest snapshot; an open program counts, by level, category, cluster and alignment. */
export const programProjection: Projection<ProgramSnapshot | null> = {
  kind: 'program',
  entityIds: (e) => [e.subject],
  initial: () => null,
  // Every program event carries the whole program.
  reduce: (_state, e) => (e as EventOf<typeof ProgramOpened>).data,
  facts(p) {
    if (!p || p.status !== 'open') return [];
    const aligned = p.sectors.some((s) => KEY.has(s));
    return [
      {
        metric: CounterMetric.ProgramsOpen,
        dims: { code: p.code, level: p.level, category: p.category, cluster: p.cluster, aligned },
        value: 1,
      },
      ...p.sectors.map((sector): Fact => ({ metric: CounterMetric.ProgramsOpenBySector, dims: { sector }, value: 1 })),
    ];
  },
};

export interface StudentState {
  studentId: string;
  enrolledProgram: string | null;
  programCode: string | null;
  cohortYear: number | null;
  level: ProgramLevel | null;
  pathway: Pathway | null;
  cancelledOn: string | null;
  withdrawnOn: string | null;
  graduatedOn: string | null;
  graduationYear: number | null;
}

type StudentEvent =
  | EventOf<typeof StudentEnrolled>
  | EventOf<typeof StudentCancelled>
  | EventOf<typeof StudentWithdrew>
  | EventOf<typeof StudentTransferred>
  | EventOf<typeof StudentGraduated>;

/**
 * Students: intake counts the enrollment from the start of time and takes it back on the day of a
 * cancellation (so "no cancellation dated on or before D" is a sum up to D); graduates count in
 * their graduation year.
 */
export const studentProjection: Projection<StudentState> = {
  kind: 'student',
  entityIds: (e) => [e.subject],
  initial: () => ({
    studentId: '',
    enrolledProgram: null,
    programCode: null,
    cohortYear: null,
    level: null,
    pathway: null,
    cancelledOn: null,
    withdrawnOn: null,
    graduatedOn: null,
    graduationYear: null,
  }),
  reduce(s, event: CloudEvent) {
    const e = event as StudentEvent;
    switch (e.type) {
      case 'enrollment.student.enrolled.v1':
        return Object.assign({}, s, {
          studentId: e.data.studentId,
          enrolledProgram: e.data.programCode,
          programCode: e.data.programCode,
          cohortYear: e.data.cohortYear,
          level: e.data.level,
          pathway: e.data.pathway,
        });
      case 'enrollment.student.cancelled.v1':
        return Object.assign({}, s, { cancelledOn: e.data.date });
      case 'enrollment.student.withdrawn.v1':
        return Object.assign({}, s, { withdrawnOn: e.data.date });
      case 'enrollment.student.transferred.v1':
        return Object.assign({}, s, { programCode: e.data.programCode });
      case 'enrollment.student.graduated.v1':
        return Object.assign({}, s, { graduatedOn: e.data.date, graduationYear: e.data.graduationYear, programCode: e.data.programCode });
      default: {
        const never: never = e;
        throw new Error(`student projection cannot apply ${(never as CloudEvent).type}`);
      }
    }
  },
  facts(s) {
    if (s.cohortYear === null) return [];
    const dims = { cohortYear: s.cohortYear, level: s.level, pathway: s.pathway, programCode: s.enrolledProgram };
    const facts: Fact[] = [{ metric: CounterMetric.Intake, dims, value: 1 }];
    if (s.cancelledOn) facts.push({ metric: CounterMetric.Intake, dims, day: s.cancelledOn, value: -1 });
    if (s.withdrawnOn) facts.push({ metric: CounterMetric.Withdrawals, dims, day: s.withdrawnOn, value: 1 });
    if (s.graduationYear !== null) {
      facts.push({
        metric: CounterMetric.Graduates,
        dims: { graduationYear: s.graduationYear, level: s.level, programCode: s.programCode },
        value: 1,
      });
    }
    return facts;
  },
};
