import type { DemoContext } from './run-demo';

const LOCAL = ['652801', '652822', '652823', '652824', '652826', '652827', '652828', '652829'];
const ELSEWHERE = ['650102', '650104', '650105', '652901', '653101', '654002', '659001', '620102', '130102', '330106'];
const EMPLOYERS = [
  '新疆中泰化学股份有限公司',
  '新疆慧尔农业集团股份有限公司',
  '库尔勒香梨股份有限公司',
  '巴州金富纺织有限公司',
  '新疆美克化工股份有限公司',
  '巴州文化旅游集团',
];
const SECTORS = [
  'chemical_materials',
  'textiles',
  'mining',
  'modern_agriculture',
  'culture_tourism',
  'commerce_logistics',
  'green_energy',
  'other',
];

/**
 * The careers office's 2022 data set: a destination for each of the 3,292 graduates (3,185 placed,
 * 1,759 of them employed locally; 60 first recorded as seeking work in August and corrected when
 * they signed in November) and 6,558 interns in 2022, 1,724 of them with an internship in Bayingolin.
 */
export async function loadPlacement(ctx: DemoContext): Promise<void> {
  const { rnd } = ctx;
  const graduates = rnd.shuffle([...ctx.graduates]);
  const destinations: Array<Record<string, unknown>> = [];
  const corrections: Array<Record<string, unknown>> = [];
  const base = (g: (typeof graduates)[number]) => ({
    studentId: g.studentId,
    graduationYear: 2022,
    programCode: g.programCode,
    verified: true,
  });
  const date = () => `2022-${String(rnd.int(7, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`;
  graduates.forEach((g, i) => {
    if (i < 1759) {
      // Employed locally: contracts, flexible work and a few who started a business.
      const r = rnd.next();
      const [category, detail] =
        r < 0.8
          ? ['contract', rnd.pick(['employment_agreement', 'labor_contract'])]
          : r < 0.95
            ? ['flexible', 'other_flexible']
            : ['entrepreneurship', undefined];
      const employed = {
        ...base(g),
        category,
        detail,
        employerName: rnd.pick(EMPLOYERS),
        region: rnd.pick(LOCAL),
        sector: rnd.pick(SECTORS),
        effectiveDate: date(),
      };
      if (i < 60) {
        destinations.push({ ...base(g), category: 'not_placed', detail: 'seeking', effectiveDate: '2022-08-31' });
        corrections.push({ ...employed, effectiveDate: '2022-11-20' });
      } else destinations.push(employed);
    } else if (i < 1759 + 1000) {
      const [category, detail] = rnd.next() < 0.85 ? ['contract', 'labor_contract'] : ['flexible', 'freelance'];
      destinations.push({
        ...base(g),
        category,
        detail,
        employerName: rnd.pick(EMPLOYERS),
        region: rnd.pick(ELSEWHERE),
        sector: rnd.pick(SECTORS),
        effectiveDate: date(),
      });
    } else if (i < 3185 - 20) {
      destinations.push({ ...base(g), category: 'further_study', detail: 'upgrade_to_bachelor', effectiveDate: date() });
    } else if (i < 3185) {
      destinations.push({
        ...base(g),
        category: 'contract',
        detail: rnd.pick(['military_service', 'grassroots_project']),
        region: rnd.pick(LOCAL.concat(ELSEWHERE)),
        effectiveDate: date(),
      });
    } else {
      destinations.push({
        ...base(g),
        category: 'not_placed',
        detail: rnd.next() < 0.85 ? 'seeking' : 'not_seeking',
        effectiveDate: '2022-08-31',
      });
    }
  });
  // Local employment of the few in military service or grassroots projects must not change the local count.
  for (const d of destinations) if (d.detail === 'military_service' || d.detail === 'grassroots_project') d.region = rnd.pick(ELSEWHERE);
  ctx.log(`placement: ${destinations.length} destinations (${corrections.length} corrected later)`);
  await ctx.importCsv('placement', 'destinations', destinations, 'destinations');
  await ctx.batch('placement', '/destinations:batch', corrections, 'corrections');

  // Interns: the graduating cohort on post internships early in 2022, new students on cognitive ones in November.
  const interns = [...ctx.graduates, ...ctx.intake.filter((e) => e.pathway !== 'through_2_3')].slice(0, 6558);
  const localInterns = new Set(rnd.shuffle(interns.map((s) => s.studentId)).slice(0, 1724));
  const internships: Array<Record<string, unknown>> = [];
  interns.forEach((s, i) => {
    const senior = s.cohortYear === 2019;
    const local = localInterns.has(s.studentId);
    internships.push({
      internshipId: `INT2022-${String(i + 1).padStart(5, '0')}`,
      studentId: s.studentId,
      kind: senior ? 'post' : 'cognitive',
      employerName: rnd.pick(EMPLOYERS),
      region: local ? rnd.pick(LOCAL) : rnd.pick(ELSEWHERE),
      startDate: senior
        ? `2022-0${rnd.int(1, 3)}-${String(rnd.int(1, 28)).padStart(2, '0')}`
        : `2022-11-${String(rnd.int(1, 20)).padStart(2, '0')}`,
      ...(senior ? { endDate: '2022-06-15' } : {}),
    });
    // A second, follow-up internship for some seniors, always where the first one was local-or-not.
    if (senior && i % 7 === 0) {
      internships.push({
        internshipId: `INT2022-F${String(i + 1).padStart(5, '0')}`,
        studentId: s.studentId,
        kind: 'follow',
        region: local ? rnd.pick(LOCAL) : rnd.pick(ELSEWHERE),
        startDate: '2022-04-11',
      });
    }
  });
  ctx.log(`placement: ${internships.length} internships of ${interns.length} students`);
  await ctx.importCsv('placement', 'internships', internships.slice(0, 5000), 'internships (file)');
  await ctx.batch('placement', '/internships:batch', internships.slice(5000), 'internships (API)');
}
