import { describeViewMappers } from '@chanjiao/testing';
import { toEnrollmentView } from './enrollments/enrollment.dto';
import { toProgramView } from './programs/program.dto';

describe('enrollment API views are allow-lists', () => {
  describeViewMappers({
    program: {
      mapper: toProgramView,
      sample: {
        code: 'P1',
        name: 'N',
        category: 'C',
        cluster: null,
        level: 'higher_vocational',
        sectors: [],
        status: 'active',
        version: 1,
      },
    },
    enrollment: {
      mapper: toEnrollmentView,
      sample: {
        studentId: 'S1',
        programCode: 'P1',
        cohortYear: 2024,
        level: 'higher_vocational',
        pathway: 'unified_exam',
        partnerInstitution: null,
        orderClassId: null,
        apprenticeship: false,
        originRegion: null,
        status: 'withdrawn',
        cancelledOn: null,
        withdrawnOn: '2024-05-01',
        withdrawalReason: 'must not leak',
        graduatedOn: null,
        graduationYear: null,
        transfers: [{ date: '2024-03-01', fromProgramCode: 'P0', programCode: 'P1', note: 'must not leak' }],
        version: 3,
      },
    },
  });
});
