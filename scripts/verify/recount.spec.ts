import { KEY_SECTORS } from '@chanjiao/contracts';
import { compareFigures, figuresOf } from './compare';
import type { AgreementRecord, InstitutionRecords } from './records';
import { Recount, yearWindow } from './recount';

const none: Omit<InstitutionRecords, 'institution'> = {
  programs: [],
  enrollments: [],
  internships: [],
  destinations: [],
  partners: [],
  agreements: [],
  orderClasses: [],
  pilots: [],
  industryColleges: [],
  investments: [],
  alliances: [],
  members: [],
  charters: [],
  contributions: [],
  activities: [],
};
const recount = (records: Partial<InstitutionRecords>) =>
  new Recount(Object.assign({ institution: 'T' }, none, records), { localRegionPrefix: '6528' });

const graduate = (studentId: string, graduationYear: number) => ({
  studentId,
  programCode: 'P1',
  cohortYear: graduationYear - 3,
  level: 'higher_vocational',
  pathway: 'regular',
  cancelledOn: null,
  withdrawnOn: null,
  graduationYear,
  transfers: [],
});
const version = (studentId: string, v: number, category: string, effectiveDate: string, region: string | null = '652801') => ({
  studentId,
  version: v,
  graduationYear: 2022,
  programCode: 'P1',
  category,
  detail: null,
  region,
  sector: null,
  effectiveDate,
});

describe('the recount (DESIGN.md §5 as worded)', () => {
  it('windows a year from 1 January to asOf, or to 31 December when asOf is later', () => {
    expect(yearWindow(2021, '2023-06-20')).toEqual({ from: '2021-01-01', to: '2021-12-31' });
    expect(yearWindow(2022, '2022-03-01')).toEqual({ from: '2022-01-01', to: '2022-03-01' });
  });

  it('takes the destination in force on D: the highest version effective on or before D, whatever the order of the dates', () => {
    const r = recount({
      enrollments: [graduate('S1', 2022), graduate('S2', 2022), graduate('S3', 2022)],
      destinations: [
        version('S1', 1, 'contract', '2022-07-01'),
        // Recorded later, effective earlier: it supersedes version 1 from 1 June on.
        version('S1', 2, 'not_placed', '2022-06-01'),
        version('S2', 1, 'not_placed', '2022-06-15'),
        version('S2', 2, 'flexible', '2022-09-01', '650102'),
      ],
    });
    expect(r.destinationOn('S1', '2022-05-31')).toBeUndefined();
    expect(r.destinationOn('S1', '2022-06-20')?.version).toBe(2);
    expect(r.destinationOn('S1', '2022-12-31')?.version).toBe(2);
    expect(r.destinationOn('S2', '2022-08-31')?.version).toBe(1);
    // S3 has no destination: not placed, as the rate counts it.
    expect(r.graduates(2022, '2022-12-31')).toEqual({
      cohort: 2022,
      total: 3,
      placed: 1,
      notPlaced: 2,
      placement: { numerator: 1, denominator: 3, rate: 0.3333 },
      localEmployed: 0,
    });
    expect(r.placement(2022, '2022-12-31', 'category').rows).toEqual([
      { key: 'not_placed', numerator: 1, denominator: 3, rate: 0.3333 },
      { key: 'flexible', numerator: 1, denominator: 3, rate: 0.3333 },
      { key: 'unrecorded', numerator: 1, denominator: 3, rate: 0.3333 },
    ]);
  });

  it('counts signed agreements, investments and internships in the year window', () => {
    const agreement = (agreementId: string, kind: string, signedOn: string): AgreementRecord => ({
      agreementId,
      partnerIds: ['E1'],
      kind,
      forms: [],
      sectors: ['textiles'],
      signedOn,
      expiresOn: null,
      terminatedOn: null,
      renewals: [],
    });
    const internship = (internshipId: string, studentId: string, startDate: string, region: string) => ({
      internshipId,
      studentId,
      kind: 'post',
      region,
      startDate,
      endDate: null,
    });
    const r = recount({
      partners: [{ partnerId: 'E1', name: 'E1', kind: 'enterprise', sector: 'textiles' }],
      agreements: [agreement('A1', 'school_enterprise', '2021-05-01'), agreement('A2', 'school_enterprise', '2022-02-01')],
      investments: [
        { amount: '100.10', source: 'school', date: '2021-03-01' },
        { amount: '0.20', source: 'school', date: '2022-01-01' },
      ],
      internships: [internship('I1', 'S1', '2022-02-01', '650102'), internship('I2', 'S1', '2022-08-01', '652801')],
    });
    expect(r.partnershipsOverview(2021, '2023-06-20')).toMatchObject({ enterprises: 1, schoolEnterpriseSigned: 1 });
    expect(r.trainingBases(2021, '2023-06-20')).toEqual({ investment: '100.10' });
    expect(r.trainingBases(2021, '2021-02-28')).toEqual({ investment: '0.00' });
    expect(r.internships(2022, '2022-06-30')).toEqual({ students: 1, localStudents: 0 });
    expect(r.internships(2022, '2023-01-31')).toEqual({ students: 1, localStudents: 1 });
  });

  it("gives an agreement's status on D from its dates", () => {
    const a: AgreementRecord = {
      agreementId: 'A1',
      partnerIds: [],
      kind: 'school_enterprise',
      forms: [],
      sectors: [],
      signedOn: '2020-01-01',
      expiresOn: '2024-12-31',
      terminatedOn: null,
      renewals: [{ date: '2022-03-01', expiresOn: '2024-12-31', previousExpiresOn: '2021-12-31' }],
    };
    expect(Recount.statusOn(a, '2019-12-31')).toBeUndefined();
    expect(Recount.statusOn(a, '2021-12-31')).toBe('active');
    expect(Recount.statusOn(a, '2022-01-01')).toBe('expired');
    expect(Recount.statusOn(a, '2022-03-01')).toBe('active');
    expect(Recount.expiryOn(a, '2022-02-01')).toBe('2021-12-31');
    expect(Recount.statusOn(Object.assign({}, a, { terminatedOn: '2023-05-01' }), '2023-05-01')).toBe('terminated');
  });

  it('counts memberships current on D in each alliance, and distinct organisations apart', () => {
    const period = (joinedOn: string, departedOn: string | null = null, role = 'member') => ({
      memberKind: 'enterprise',
      role,
      joinedOn,
      roleChanges: [],
      departedOn,
    });
    const alliance = (allianceId: string, role: string) => ({
      allianceId,
      name: allianceId,
      scope: 'industry',
      sector: null,
      foundedOn: '2019-01-01',
      role,
    });
    const r = recount({
      alliances: [alliance('A1', 'chair'), alliance('A2', 'member')],
      members: [
        { allianceId: 'A1', memberId: 'M1', periods: [period('2020-01-01')] },
        { allianceId: 'A2', memberId: 'M1', periods: [period('2020-06-01')] },
        { allianceId: 'A2', memberId: 'M2', periods: [period('2020-01-01', '2021-01-01'), period('2022-01-01')] },
      ],
      activities: [
        { allianceId: 'A1', activityId: 'F1', kind: 'forum', date: '2022-09-01', online: false, participants: [], participantCount: 40 },
        {
          allianceId: 'A2',
          activityId: 'F2',
          kind: 'forum',
          date: '2022-03-01',
          online: false,
          participants: ['x', 'y'],
          participantCount: null,
        },
      ],
    });
    expect(r.alliancesOverview(2021, '2021-06-30')).toEqual({ total: 2, led: 1, members: 2, forumParticipants: 0 });
    expect(r.alliancesOverview(2022, '2022-06-30')).toEqual({ total: 2, led: 1, members: 3, forumParticipants: 2 });
    expect(r.alliancesOverview(2022, '2023-01-01').forumParticipants).toBe(40);
    expect(r.alliances(2022, '2022-06-30').totals).toMatchObject({ alliances: 2, led: 1, members: { total: 3 }, organisations: 2 });
  });

  it('recounts the alignment: each program in the row of its one key sector, several in `multiple`, none in `other`', () => {
    const program = (code: string, sectors: string[]) => ({
      code,
      name: code,
      category: '47',
      cluster: null,
      level: 'higher_vocational',
      sectors,
      status: 'open',
    });
    const withProgram = (id: string, programCode: string) => Object.assign(graduate(id, 2022), { programCode });
    const r = recount({
      programs: [program('P1', ['chemical_materials']), program('P2', ['chemical_materials', 'green_energy']), program('P3', ['other'])],
      enrollments: [withProgram('S1', 'P1'), withProgram('S2', 'P1'), withProgram('S3', 'P2'), withProgram('S4', 'P3')],
      destinations: [
        Object.assign(version('S1', 1, 'contract', '2022-07-01'), { sector: 'chemical_materials' }),
        Object.assign(version('S2', 1, 'flexible', '2022-07-01', '650102'), { sector: 'textiles' }),
        Object.assign(version('S3', 1, 'contract', '2022-07-01'), { sector: 'green_energy' }),
        version('S4', 1, 'further_study', '2022-07-01'),
      ],
    });
    const { rows, totals } = r.alignment(2022, '2022-12-31');
    expect(rows.map((x) => x.key)).toEqual([...KEY_SECTORS, 'multiple', 'other']);
    expect(rows[0]).toMatchObject({ label: '化工材料', programs: 1, graduates: 2, placed: 2, employed: 2, localEmployed: 1 });
    expect(rows[0]!.employedInOwnSector).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    expect(rows[7]).toMatchObject({
      key: 'multiple',
      programs: 1,
      employed: 1,
      employedInOwnSector: { numerator: 1, denominator: 1, rate: 1 },
    });
    expect(rows[8]).toMatchObject({ key: 'other', programs: 1, graduates: 1, placed: 1, employed: 0 });
    expect(totals).toMatchObject({ programs: 3, graduates: 4, placed: 4, employed: 3, localEmployed: 2 });
  });
});

describe('comparing a report with its recount', () => {
  it('names rows by their key and lists of values as one figure', () => {
    expect([
      ...figuresOf({ institution: 'T', rows: [{ key: 'a', n: 1 }], forms: ['x', 'y'], agreements: [], totals: { key: 'total', n: 1 } }),
    ]).toEqual([
      ['rows[a].n', 1],
      ['forms', 'x,y'],
      ['totals.key', 'total'],
      ['totals.n', 1],
    ]);
  });

  it('finds a figure that differs, and takes a row left out as zeros', () => {
    const reported = { rows: [{ key: 'a', n: 1, amount: '0.00' }], total: 3 };
    expect(
      compareFigures(reported, {
        rows: [
          { key: 'a', n: 1 },
          { key: 'b', n: 0 },
        ],
        total: 3,
      }),
    ).toEqual({ compared: 4, differences: [] });
    expect(compareFigures(reported, { rows: [{ key: 'a', n: 2 }], total: 4 }).differences).toEqual([
      { key: 'rows[a].n', reported: 1, recounted: 2 },
      { key: 'total', reported: 3, recounted: 4 },
    ]);
    expect(compareFigures({ rows: [] }, { rows: [{ key: 'b', n: 5 }] }).differences).toEqual([
      { key: 'rows[b].n', reported: undefined, recounted: 5 },
    ]);
  });
});
