import { describeViewMappers } from '@chanjiao/testing';
import { toDestinationHistoryView, toDestinationVersionView } from './destinations/destination.dto';
import { toInternshipView } from './internships/internship.dto';

const version = {
  studentId: 'S1',
  version: 2,
  graduationYear: 2024,
  programCode: 'P1',
  category: 'employed',
  detail: null,
  employerPartnerId: null,
  employerName: 'E',
  region: '110000',
  sector: null,
  effectiveDate: '2024-07-01',
  verified: false,
};

describe('placement API views are allow-lists', () => {
  describeViewMappers({
    internship: {
      mapper: toInternshipView,
      sample: {
        internshipId: 'I1',
        studentId: 'S1',
        kind: 'placement',
        employerPartnerId: null,
        employerName: 'E',
        region: '110000',
        startDate: '2024-03-01',
        endDate: null,
        version: 1,
      },
    },
    'destination version': { mapper: toDestinationVersionView, sample: version },
    'destination history': {
      mapper: toDestinationHistoryView,
      sample: {
        ...version,
        versions: [{ ...version, note: 'must not leak' }],
        timeline: [{ from: '2024-07-01', until: null, version: 2, destination: { note: 'must not leak' } }],
      },
    },
  });
});
