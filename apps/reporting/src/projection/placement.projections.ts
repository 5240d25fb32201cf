import {
  CloudEvent,
  DestinationEvent,
  destinationTimeline,
  DestinationVersion,
  EMPLOYED_CATEGORIES,
  EventOf,
  InternshipEvent,
  InternshipKind,
  StudentEnrolled,
  StudentGraduated,
} from '@chanjiao/contracts';
import type { Fact, Projection } from './projection';
import type { ProjectionSettings } from './projection.registry';
import { CounterMetric } from './counter-metric';

export interface GraduationRecord {
  graduationYear: number;
  programCode: string;
  date: string;
}

export interface GraduateState {
  studentId: string;
  /** From enrollment: the cohort (graduationYear) and program the graduate is reported in. */
  graduation: GraduationRecord | null;
  /** Every destination version from placement, by version number. */
  versions: DestinationVersion[];
}

type GraduateEvent = EventOf<typeof StudentGraduated> | DestinationEvent;

const isLocal = (region: string | null, prefix: string) => region !== null && region.startsWith(prefix);

/**
 * Graduates (one per student number), fed by the enrollment graduation and by every destination
 * version. Its state is a union of both streams, so their relative order does not matter. For a
 * graduate with a graduation record, each destination in force counts from the day it comes into
 * force and is taken back on the day the next one does (step facts, from `destinationTimeline`), so
 * "as of D" sums give the destination in force on D: the most recently recorded version effective
 * on or before D. With one side only, the graduate is a data-quality finding instead.
 */
export function graduateProjection(settings: ProjectionSettings): Projection<GraduateState> {
  return {
    kind: 'graduate',
    entityIds: (e) => [e.subject],
    initial: () => ({ studentId: '', graduation: null, versions: [] }),
    reduce(s, event: CloudEvent) {
      const e = event as GraduateEvent;
      switch (e.type) {
        case 'enrollment.student.graduated.v1':
          return Object.assign({}, s, {
            studentId: e.data.studentId,
            graduation: { graduationYear: e.data.graduationYear, programCode: e.data.programCode, date: e.data.date },
          });
        case 'placement.destination.recorded.v1': {
          const versions = [...s.versions.filter((v) => v.version !== e.data.version), e.data].sort((a, b) => a.version - b.version);
          return Object.assign({}, s, { studentId: e.data.studentId, versions });
        }
        default: {
          const never: never = e;
          throw new Error(`graduate projection cannot apply ${(never as CloudEvent).type}`);
        }
      }
    },
    facts(s) {
      const g = s.graduation;
      // Half-known graduates count nowhere; the data-quality report lists them from the read model.
      if (!g || s.versions.length === 0) return [];
      const cohort = g.graduationYear;
      const cells = (v: DestinationVersion): Array<Omit<Fact, 'value' | 'day'>> => {
        const placed = v.category !== 'not_placed';
        const local = isLocal(v.region, settings.localRegionPrefix);
        const out: Array<Omit<Fact, 'value' | 'day'>> = [
          { metric: CounterMetric.GraduatesByCategory, dims: { cohort, category: v.category } },
          { metric: CounterMetric.GraduatesByDetail, dims: { cohort, detail: v.detail } },
          { metric: CounterMetric.GraduatesBySector, dims: { cohort, sector: v.sector } },
          { metric: CounterMetric.GraduatesByRegion, dims: { cohort, region: v.region, local } },
          { metric: CounterMetric.GraduatesByProgram, dims: { cohort, programCode: g.programCode, placed } },
        ];
        const employed = EMPLOYED_CATEGORIES.includes(v.category);
        if (placed && local && employed) out.push({ metric: CounterMetric.GraduatesLocalEmployed, dims: { cohort } });
        // The alignment report: employment per program, where and in which sector (null: the destination does not say).
        // The program's own sectors are the program's, read when reporting, so a program's later mapping needs no recount.
        if (employed)
          out.push({
            metric: CounterMetric.GraduatesEmployedByProgram,
            dims: { cohort, programCode: g.programCode, local, sector: v.sector },
          });
        return out;
      };
      return destinationTimeline(s.versions).flatMap(({ from, until, destination }) =>
        cells(destination).flatMap((c): Fact[] => [
          Object.assign({}, c, { day: from, value: 1 }),
          ...(until ? [Object.assign({}, c, { day: until, value: -1 })] : []),
        ]),
      );
    },
  };
}

export interface InternRecord {
  kind: InternshipKind;
  region: string;
  startDate: string;
  endDate: string | null;
}

export interface InternState {
  studentId: string;
  /** The student has an enrollment record. */
  known: boolean;
  internships: Record<string, InternRecord>;
}

type InternEvent = InternshipEvent | EventOf<typeof StudentEnrolled>;

/**
 * Interns (one per student number), fed by every internship of the student (each event carries the
 * whole internship) and by the enrollment, which makes the student known. A student counts once per
 * year in which one of their internships starts, from the first such start on (so a sum up to D counts
 * internships starting from 1 January to D, DESIGN.md §5), as local from the first such start in a
 * local region. A student with internships and no enrollment is a data-quality finding (`known` false).
 */
export function internProjection(settings: ProjectionSettings): Projection<InternState> {
  return {
    kind: 'intern',
    entityIds: (e) => [e.type === 'enrollment.student.enrolled.v1' ? e.subject : (e as InternshipEvent).data.studentId],
    initial: () => ({ studentId: '', known: false, internships: {} }),
    reduce(s, event: CloudEvent) {
      const e = event as InternEvent;
      switch (e.type) {
        case 'enrollment.student.enrolled.v1':
          return Object.assign({}, s, { studentId: e.data.studentId, known: true });
        case 'placement.internship.started.v1':
        case 'placement.internship.updated.v1':
        case 'placement.internship.completed.v1': {
          const { internshipId, studentId, kind, region, startDate, endDate } = e.data;
          return Object.assign({}, s, {
            studentId,
            internships: Object.assign({}, s.internships, { [internshipId]: { kind, region, startDate, endDate } }),
          });
        }
        default: {
          const never: never = e;
          throw new Error(`intern projection cannot apply ${(never as CloudEvent).type}`);
        }
      }
    },
    facts(s) {
      const all = Object.values(s.internships);
      if (all.length === 0) return [];
      const facts: Fact[] = [];
      // The first start of each (metric, dims) cell: a student counts from then on.
      const first = new Map<string, Fact>();
      const from = (metric: CounterMetric, dims: Fact['dims'], day: string) => {
        const key = `${metric}|${JSON.stringify(dims)}`;
        const f = first.get(key);
        if (!f) first.set(key, { metric, dims, day, value: 1 });
        else if (day < f.day!) f.day = day;
      };
      for (const i of all) {
        const year = Number(i.startDate.slice(0, 4));
        const local = isLocal(i.region, settings.localRegionPrefix);
        facts.push({
          metric: CounterMetric.InternshipsCount,
          dims: { year, kind: i.kind, local, completed: i.endDate !== null },
          day: i.startDate,
          value: 1,
        });
        from(CounterMetric.InternshipsStudents, { year }, i.startDate);
        if (local) from(CounterMetric.InternshipsLocalStudents, { year }, i.startDate);
        from(CounterMetric.InternshipsStudentsByKind, { year, kind: i.kind }, i.startDate);
      }
      facts.push(...first.values());
      return facts;
    },
  };
}
