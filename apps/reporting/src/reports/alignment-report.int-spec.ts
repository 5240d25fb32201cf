import type { CloudEvent } from '@chanjiao/contracts';
import { expectEventually, HttpClient } from '@chanjiao/testing';
import { deliveryVariants, startRedelivery, TestStack } from '@chanjiao/test-support';
import { AllianceEventFactory } from '../../../../test/fixtures/alliance-events';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';
import { PartnershipEventFactory } from '../../../../test/fixtures/partnership-events';
import { PlacementEventFactory } from '../../../../test/fixtures/placement-events';

/**
 * A college's 2022 across the four services, for the alignment report. Programs: PC1, PC2 (chemical_materials), PT1
 * (textiles), PS1 (textiles, suspended), PM1 (chemical_materials and green_energy: `multiple`), PO1 (other); PX is named
 * by students and an order class but never announced (`other`).
 */
function alignmentYear(institution: string): CloudEvent[] {
  const e = new EnrollmentEventFactory(institution);
  const p = new PlacementEventFactory(institution);
  const f = new PartnershipEventFactory(institution);
  const a = new AllianceEventFactory(institution);
  const graduate = (id: string, programCode: string, destination?: Parameters<PlacementEventFactory['destination']>[1]) => [
    e.enrolled(id, { cohortYear: 2019, programCode }),
    e.graduated(id, '2022-06-30', 2022, programCode),
    ...(destination ? [p.destination(id, Object.assign({ programCode, effectiveDate: '2022-07-01' }, destination))] : []),
  ];
  return [
    e.program('PC1', { name: '应用化工技术', sectors: ['chemical_materials'] }),
    e.program('PC2', { name: '石油化工技术', sectors: ['chemical_materials'] }),
    e.program('PT1', { name: '现代纺织技术', sectors: ['textiles'] }),
    e.program('PS1', { sectors: ['textiles'], status: 'suspended' }),
    e.program('PM1', { name: '新能源材料', sectors: ['chemical_materials', 'green_energy'] }),
    e.program('PO1', { name: '大数据技术', sectors: ['other'] }),
    // Intake 2022: S1–S8; S9 is 2+3 (apart), S10 cancelled on 20 September, S11 of the 2021 cohort.
    e.enrolled('S1', { programCode: 'PC1' }),
    e.enrolled('S2', { programCode: 'PC1' }),
    e.enrolled('S3', { programCode: 'PC2' }),
    e.enrolled('S4', { programCode: 'PT1' }),
    e.enrolled('S5', { programCode: 'PM1' }),
    e.enrolled('S6', { programCode: 'PO1' }),
    e.enrolled('S7', { programCode: 'PS1' }),
    e.enrolled('S8', { programCode: 'PX' }),
    e.enrolled('S9', { programCode: 'PC1', pathway: 'through_2_3', level: 'secondary' }),
    e.enrolled('S10', { programCode: 'PT1' }),
    e.cancelled('S10', '2022-09-20'),
    e.enrolled('S11', { programCode: 'PC1', cohortYear: 2021 }),
    // Graduates 2022.
    ...graduate('G1', 'PC1', { region: '652801', sector: 'chemical_materials' }),
    ...graduate('G2', 'PC1', { region: '650102', sector: 'textiles' }),
    ...graduate('G3', 'PC1', { category: 'flexible', detail: 'freelance', region: '652801', sector: null }),
    ...graduate('G4', 'PT1', { category: 'further_study', detail: 'upgrade_to_bachelor', region: null, sector: null }),
    ...graduate('G5', 'PM1', { category: 'entrepreneurship', detail: null, region: '652822', sector: 'green_energy' }),
    ...graduate('G6', 'PO1', { category: 'not_placed', detail: 'seeking', region: null, sector: null }),
    ...graduate('G7', 'PT1'),
    ...graduate('G8', 'PT1', { region: '652801', sector: 'textiles', effectiveDate: '2023-03-01' }),
    ...graduate('G9', 'PX', { region: '652801', sector: 'other' }),
    // Order classes: 2022's PC1 30, PT1 20, PX 5; PC2's is 2021's.
    f.orderClass('OC1', { programCode: 'PC1', students: 30 }),
    f.orderClass('OC2', { programCode: 'PT1', students: 20 }),
    f.orderClass('OC3', { programCode: 'PX', students: 5 }),
    f.orderClass('OC4', { programCode: 'PC2', cohortYear: 2021, students: 10 }),
    // Enterprises by their own sector: E1, E2 chemical, E3 textiles, E4 other; E5 only on a government agreement, E6 from 2023.
    f.partner('E1', { sector: 'chemical_materials' }),
    f.partner('E2', { sector: 'chemical_materials' }),
    f.partner('E3', { sector: 'textiles' }),
    f.partner('E4', { sector: 'other' }),
    f.partner('E5', { sector: 'mining' }),
    f.partner('E6', { sector: 'green_energy' }),
    f.partner('GV', { kind: 'government', sector: 'other' }),
    f.signed('A1', ['E1', 'E2'], { signedOn: '2021-03-01', sectors: ['chemical_materials'] }),
    f.signed('A2', ['E3'], { signedOn: '2022-05-01' }),
    f.signed('A3', ['E4'], { signedOn: '2022-06-01', sectors: ['other'] }),
    f.signed('A4', ['GV', 'E5'], { kind: 'government_school', signedOn: '2022-07-01', sectors: ['mining', 'other'] }),
    f.signed('A5', ['E6'], { signedOn: '2023-02-01', sectors: ['green_energy'] }),
    // Alliances: AL1 chemical; AL2 (no sector) and AL4 (other) in `other`; AL3 founded 2023.
    a.alliance('AL1', { sector: 'chemical_materials', foundedOn: '2019-05-20' }),
    a.alliance('AL2', { sector: null, foundedOn: '2020-01-01' }),
    a.alliance('AL3', { sector: 'textiles', foundedOn: '2023-01-10' }),
    a.alliance('AL4', { sector: 'other', foundedOn: '2018-01-01' }),
  ];
}

const rate = (numerator: number, denominator: number, r: number) => ({ numerator, denominator, rate: r });
const row = (key: string, figures: Record<string, unknown>) => ({
  key,
  programs: 0,
  intake: 0,
  graduates: 0,
  placed: 0,
  employed: 0,
  localEmployed: 0,
  employedInOwnSector: rate(0, 0, 0),
  partnerEnterprises: 0,
  orderClassStudents: 0,
  alliances: 0,
  programsNotListed: 0,
  programList: [],
  ...figures,
});

type Figures = Record<string, number | { numerator: number }>;
const COLUMNS_OF_THE_OVERVIEW: Record<string, (o: any) => number> = {
  programs: (o) => o.programs.open,
  intake: (o) => o.intake.total,
  graduates: (o) => o.graduates.total,
  placed: (o) => o.graduates.placed,
  localEmployed: (o) => o.graduates.localEmployed,
  partnerEnterprises: (o) => o.partnerships.enterprises,
  orderClassStudents: (o) => o.partnerships.orderClasses.students,
  alliances: (o) => o.alliances.total,
};

/**
 * GET /reports/alignment over events fed through the real consumer and projections (RabbitMQ, PostgreSQL): the rows of
 * a hand-computed fixture, every column summing to the overview's figure at several dates, whatever the delivery order.
 */
describe('GET /reports/alignment (real RabbitMQ and PostgreSQL)', () => {
  let stack: TestStack;
  let admin: HttpClient;
  const eventCount = alignmentYear('X').length;

  beforeAll(async () => {
    ({ stack, admin } = await startRedelivery(deliveryVariants({ seed: 5, duplicate: [10, 30] }), (name) => alignmentYear(name)));
  });
  afterAll(() => stack?.close());

  const applied = async (institution: string) => {
    await expectEventually(async () => {
      const fresh = await admin.get(`/reports/freshness?institution=${institution}`);
      expect(fresh.body.eventsApplied).toBe(eventCount);
      expect(fresh.body.eventsParked).toBe(0);
    });
  };
  const alignment = async (institution: string, query: string) => {
    const res = await admin.get(`/reports/alignment?institution=${institution}&${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('gives each sector its programs, students, partners and alliances as computed by hand', async () => {
    await applied('CLEAN');
    const body = await alignment('CLEAN', 'year=2022&asOf=2022-12-31');
    expect(body).toMatchObject({ institution: 'CLEAN', year: 2022, date: '2022-12-31' });
    const program = (code: string, name: string, sectors: string[]) => ({ code, name, sectors });
    expect(body.rows).toEqual([
      row('chemical_materials', {
        label: '化工材料',
        labelEn: 'Chemical materials',
        programs: 2,
        programList: [program('PC1', '应用化工技术', ['chemical_materials']), program('PC2', '石油化工技术', ['chemical_materials'])],
        intake: 3, // S1, S2, S3 (S9 is 2+3, S11 of 2021)
        graduates: 3,
        placed: 3,
        employed: 3,
        localEmployed: 2, // G1, G3
        employedInOwnSector: rate(1, 2, 0.5), // G1 of G1 and G2 (G3's destination states no sector)
        partnerEnterprises: 2,
        orderClassStudents: 30,
        alliances: 1,
      }),
      row('textiles', {
        label: '纺织面料',
        labelEn: 'Textiles',
        programs: 1, // PS1 is suspended
        programList: [program('PT1', '现代纺织技术', ['textiles'])],
        intake: 2, // S4 and S7 of the suspended PS1; S10 cancelled
        graduates: 3, // G4, G7 (no destination), G8 (destination from 2023)
        placed: 1,
        partnerEnterprises: 1,
        orderClassStudents: 20,
      }),
      row('mining', { label: '矿业开发', labelEn: 'Mining' }), // E5 signed a government agreement only
      row('modern_agriculture', { label: '现代农业', labelEn: 'Modern agriculture' }),
      row('culture_tourism', { label: '文化旅游', labelEn: 'Culture and tourism' }),
      row('commerce_logistics', { label: '商贸物流', labelEn: 'Commerce and logistics' }),
      row('green_energy', { label: '绿色能源', labelEn: 'Green energy' }), // E6 from 2023; PM1 counts in `multiple`
      row('multiple', {
        label: '跨多个重点产业',
        labelEn: 'Several key sectors',
        programs: 1,
        programList: [program('PM1', '新能源材料', ['chemical_materials', 'green_energy'])],
        intake: 1,
        graduates: 1,
        placed: 1,
        employed: 1,
        localEmployed: 1,
        employedInOwnSector: rate(1, 1, 1),
      }),
      row('other', {
        label: '其他',
        labelEn: 'Other',
        programs: 1,
        programList: [program('PO1', '大数据技术', ['other'])],
        intake: 2, // S6 and S8 of the unknown PX
        graduates: 2, // G6 (not placed), G9 (PX)
        placed: 1,
        employed: 1,
        localEmployed: 1,
        employedInOwnSector: rate(0, 1, 0), // PX is unknown: G9's sector cannot be its program's
        partnerEnterprises: 1,
        orderClassStudents: 5,
        alliances: 2,
      }),
    ]);
    expect(body.totals).toEqual({
      key: 'total',
      label: '合计',
      labelEn: 'Total',
      programs: 5,
      intake: 8,
      graduates: 9,
      placed: 6,
      employed: 5,
      localEmployed: 4,
      employedInOwnSector: rate(2, 4, 0.5),
      partnerEnterprises: 4,
      orderClassStudents: 55,
      alliances: 3,
    });
  });

  it('every column sums to the overview at each date, and the totals are the overview', async () => {
    await applied('CLEAN');
    for (const [year, asOf] of [
      [2022, '2022-06-30'],
      [2022, '2022-09-01'],
      [2022, '2022-12-31'],
      [2023, '2023-06-30'],
      [2021, '2023-06-30'],
    ] as const) {
      const body = await alignment('CLEAN', `year=${year}&asOf=${asOf}`);
      const { body: overview } = await admin.get(`/reports/overview?institution=CLEAN&year=${year}&asOf=${asOf}`);
      for (const [column, ofOverview] of Object.entries(COLUMNS_OF_THE_OVERVIEW)) {
        const summed = body.rows.reduce((s: number, r: Figures) => s + (r[column] as number), 0);
        expect({ year, asOf, column, summed, totals: body.totals[column] }).toEqual({
          year,
          asOf,
          column,
          summed: ofOverview(overview),
          totals: ofOverview(overview),
        });
      }
    }
    // The dates matter: before the cancellation S10 is in the intake; G8's destination is not in force before 2023.
    const september = await alignment('CLEAN', 'year=2022&asOf=2022-09-01');
    expect(september.rows[1]).toMatchObject({ key: 'textiles', intake: 3, placed: 1 });
    const spring = await alignment('CLEAN', 'year=2022&asOf=2023-06-30');
    expect(spring.rows[1]).toMatchObject({ key: 'textiles', placed: 2, employed: 1, localEmployed: 1, employedInOwnSector: rate(1, 1, 1) });
    expect(spring.rows[6]).toMatchObject({ key: 'green_energy', partnerEnterprises: 1 });
    expect(spring.totals).toMatchObject({ partnerEnterprises: 5, alliances: 4 });
  });

  it('redelivered, reversed and shuffled deliveries give the same report', async () => {
    const strip = ({ asOf: _a, institution: _i, ...rest }: Record<string, unknown>) => rest;
    await applied('CLEAN');
    const clean = strip(await alignment('CLEAN', 'year=2022&asOf=2022-12-31'));
    for (const name of ['TWICE', 'REVERSED', 'SHUFFLED']) {
      await applied(name);
      expect(strip(await alignment(name, 'year=2022&asOf=2022-12-31'))).toEqual(clean);
    }
  });

  it('bounds the program lists, not the counts, and names a bad parameter', async () => {
    await applied('CLEAN');
    const body = await alignment('CLEAN', 'year=2022&asOf=2022-12-31&programLimit=1');
    expect(body.rows[0]).toMatchObject({ programs: 2, programsNotListed: 1, programList: [{ code: 'PC1' }] });
    expect(body.rows[0].programList).toHaveLength(1);
    for (const [query, field] of [
      ['year=2022&programLimit=501', 'programLimit'],
      ['year=2022&programLimit=x', 'programLimit'],
      ['year=x', 'year'],
      ['year=2022&asOf=2022-02-30', 'asOf'],
    ]) {
      const res = await admin.get(`/reports/alignment?institution=CLEAN&${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });
});
