import { describeViewMappers } from '@chanjiao/testing';
import { toAgreementView } from './agreements/agreement.dto';
import { toCertificatePilotView } from './certificate-pilots/certificate-pilot.dto';
import { toIndustryCollegeView } from './industry-colleges/industry-college.dto';
import { toOrderClassView } from './order-classes/order-class.dto';
import { toPartnerView } from './partners/partner.dto';
import { toInvestmentView, toTrainingBaseView } from './training-bases/training-base.dto';

describe('partnership API views are allow-lists', () => {
  describeViewMappers({
    partner: {
      mapper: toPartnerView,
      sample: {
        partnerId: 'E1',
        name: 'N',
        kind: 'enterprise',
        creditCode: null,
        sector: 'manufacturing',
        region: null,
        ieiLevel: 'none',
        version: 1,
      },
    },
    agreement: {
      mapper: toAgreementView,
      sample: {
        agreementId: 'A1',
        partnerIds: ['E1'],
        kind: 'framework',
        forms: [],
        programCodes: [],
        sectors: [],
        signedOn: '2024-01-01',
        effectiveFrom: null,
        expiresOn: '2026-01-01',
        status: 'terminated',
        terminatedOn: '2025-01-01',
        terminationReason: 'must not leak',
        expiredOn: null,
        renewals: [{ date: '2024-06-01', expiresOn: '2026-01-01', previousExpiresOn: '2025-01-01', note: 'must not leak' }],
        version: 3,
      },
    },
    'order class': {
      mapper: toOrderClassView,
      sample: { orderClassId: 'OC1', partnerId: 'E1', programCode: 'P1', cohortYear: 2024, students: 40, version: 1 },
    },
    '1+X pilot': {
      mapper: toCertificatePilotView,
      sample: {
        pilotId: 'X1',
        certificate: 'C',
        level: null,
        partnerId: 'E1',
        programCodes: ['P1'],
        launchedOn: '2024-03-01',
        results: [{ year: 2024, trained: 10, sat: 9, passed: 8, note: 'must not leak' }],
        version: 2,
      },
    },
    'industry college': {
      mapper: toIndustryCollegeView,
      sample: { collegeId: 'IC1', name: 'N', partnerIds: ['E1'], programCodes: ['P1'], foundedOn: '2021-09-01', version: 1 },
    },
    'training base': { mapper: toTrainingBaseView, sample: { baseId: 'TB1', name: 'N', kind: 'on_campus', sector: null, version: 1 } },
    investment: {
      mapper: toInvestmentView,
      sample: { baseId: 'TB1', investmentId: 'I1', amount: '1.00', source: 'government', date: '2024-01-01' },
    },
  });
});
