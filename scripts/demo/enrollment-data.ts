import type { Random } from './random';

/**
 * The admissions office's 2022 data set (DESIGN.md §7): 41 higher-vocational programs in 15
 * categories and 5 clusters (three named in the source: 石油石化, 纺织服装, 特色林果业), 5 undergraduate
 * programs (高本衔接), the 2022 intake and the 2022 graduates. Programs are aligned to the seven key
 * sectors of Bayingolin; everything about students is synthetic (student numbers only).
 */
export interface DemoProgram {
  code: string;
  name: string;
  category: string;
  cluster?: string;
  level: 'higher_vocational' | 'undergraduate';
  sectors: string[];
  status: 'open';
}

const CLUSTERS = ['石油石化专业群', '纺织服装专业群', '特色林果业专业群', '现代商贸物流专业群', '旅游文化专业群'];

/** [category code, sector, program names] — 15 categories of 专业大类. */
const CATALOGUE: Array<[string, string, string[]]> = [
  ['41', 'modern_agriculture', ['现代农业技术', '园艺技术', '林果栽培技术', '畜牧兽医']],
  ['42', 'mining', ['矿山地质', '金属矿开采技术', '矿物加工技术']],
  ['43', 'green_energy', ['光伏工程技术', '风力发电工程技术', '新能源装备技术']],
  ['44', 'other', ['建筑工程技术', '工程造价']],
  ['46', 'other', ['机电一体化技术', '数控技术', '工业机器人技术']],
  ['47', 'chemical_materials', ['应用化工技术', '石油化工技术', '高分子材料智能制造技术', '化工智能制造技术']],
  ['48', 'textiles', ['现代纺织技术', '服装设计与工艺', '纺织品检验与贸易']],
  ['49', 'modern_agriculture', ['食品检验检测技术', '食品智能加工技术']],
  ['50', 'commerce_logistics', ['道路运输管理', '汽车检测与维修技术']],
  ['51', 'other', ['计算机应用技术', '大数据技术', '电子信息工程技术']],
  ['52', 'other', ['护理', '药学']],
  ['53', 'commerce_logistics', ['电子商务', '现代物流管理', '市场营销', '大数据与会计']],
  ['54', 'culture_tourism', ['旅游管理', '酒店管理与数字化运营', '导游']],
  ['55', 'culture_tourism', ['民族表演艺术', '艺术设计']],
  ['57', 'other', ['学前教育']],
];

export function demoPrograms(): DemoProgram[] {
  const programs: DemoProgram[] = [];
  let n = 0;
  for (const [category, sector, names] of CATALOGUE) {
    for (const name of names) {
      n++;
      programs.push({
        code: `${category}${String(n).padStart(4, '0')}`,
        name,
        category,
        // 5 clusters cover the programs of the key sectors; the rest belong to no cluster.
        ...(sector === 'chemical_materials' ? { cluster: CLUSTERS[0] } : {}),
        ...(sector === 'textiles' ? { cluster: CLUSTERS[1] } : {}),
        ...(sector === 'modern_agriculture' ? { cluster: CLUSTERS[2] } : {}),
        ...(sector === 'commerce_logistics' ? { cluster: CLUSTERS[3] } : {}),
        ...(sector === 'culture_tourism' ? { cluster: CLUSTERS[4] } : {}),
        level: 'higher_vocational',
        sectors: [sector],
        status: 'open',
      });
    }
  }
  const undergraduate: Array<[string, string, string]> = [
    ['47', 'chemical_materials', '化学工程与工艺（高本衔接）'],
    ['48', 'textiles', '纺织工程（高本衔接）'],
    ['41', 'modern_agriculture', '园艺（高本衔接）'],
    ['53', 'commerce_logistics', '物流管理（高本衔接）'],
    ['54', 'culture_tourism', '旅游管理（高本衔接）'],
  ];
  undergraduate.forEach(([category, sector, name], i) =>
    programs.push({
      code: `U${category}${String(i + 1).padStart(3, '0')}`,
      name,
      category,
      level: 'undergraduate',
      sectors: [sector],
      status: 'open',
    }),
  );
  return programs;
}

export interface DemoEnrollment {
  studentId: string;
  programCode: string;
  cohortYear: number;
  level: 'secondary' | 'higher_vocational' | 'undergraduate';
  pathway: 'regular' | 'secondary_higher_3_2' | 'higher_undergraduate_3_2' | 'through_2_3' | 'expanded';
  partnerInstitution?: string;
  originRegion?: string;
}

const REGIONS_LOCAL = ['652801', '652822', '652823', '652824', '652825', '652826', '652827', '652828', '652829'];
const REGIONS_OTHER = ['650102', '650104', '652901', '653101', '654002', '620102', '130102'];

/**
 * The 2022 intake: 5,135 higher-vocational (some through the 扩招 and 3+2 pathways), 121 undergraduate
 * (高本 3+2), 262 secondary (中高职 3+2 first stage) and 253 2+3 through-pathway students, plus 14
 * no-shows cancelled in September (so they are not counted as of 2023-06-20).
 */
export function demoIntake(rnd: Random, programs: DemoProgram[]): { enrollments: DemoEnrollment[]; noShows: string[] } {
  const hv = programs.filter((p) => p.level === 'higher_vocational');
  const ug = programs.filter((p) => p.level === 'undergraduate');
  const out: DemoEnrollment[] = [];
  let n = 0;
  const add = (count: number, make: () => Omit<DemoEnrollment, 'studentId' | 'cohortYear' | 'originRegion'>) => {
    for (let i = 0; i < count; i++) {
      n++;
      out.push({
        studentId: `2022${String(n).padStart(6, '0')}`,
        cohortYear: 2022,
        originRegion: rnd.next() < 0.7 ? rnd.pick(REGIONS_LOCAL) : rnd.pick(REGIONS_OTHER),
        ...make(),
      });
    }
  };
  add(5135 + 14, () => ({
    programCode: rnd.pick(hv).code,
    level: 'higher_vocational',
    pathway: rnd.next() < 0.08 ? 'expanded' : rnd.next() < 0.05 ? 'secondary_higher_3_2' : 'regular',
  }));
  add(121, () => ({
    programCode: rnd.pick(ug).code,
    level: 'undergraduate',
    pathway: 'higher_undergraduate_3_2',
    partnerInstitution: '新疆农业大学',
  }));
  add(262, () => ({
    programCode: rnd.pick(hv).code,
    level: 'secondary',
    pathway: 'secondary_higher_3_2',
    partnerInstitution: '巴州第一中等职业学校',
  }));
  add(253, () => ({
    programCode: rnd.pick(hv).code,
    level: 'secondary',
    pathway: 'through_2_3',
    partnerInstitution: '库尔勒市中等职业技术学校',
  }));
  const noShows = out
    .slice(0, 5135 + 14)
    .filter((_, i) => i % 367 === 5)
    .slice(0, 14)
    .map((e) => e.studentId);
  return { enrollments: out, noShows };
}

/** The 2019 cohort that graduates in 2022: 3,292 graduations (and a few who withdrew earlier). */
export function demoGraduates(
  rnd: Random,
  programs: DemoProgram[],
): { enrollments: DemoEnrollment[]; graduations: Array<{ studentId: string; date: string; graduationYear: number }> } {
  const hv = programs.filter((p) => p.level === 'higher_vocational');
  const enrollments: DemoEnrollment[] = [];
  for (let i = 1; i <= 3292; i++) {
    enrollments.push({
      studentId: `2019${String(i).padStart(6, '0')}`,
      programCode: rnd.pick(hv).code,
      cohortYear: 2019,
      level: 'higher_vocational',
      pathway: 'regular',
      originRegion: rnd.next() < 0.7 ? rnd.pick(REGIONS_LOCAL) : rnd.pick(REGIONS_OTHER),
    });
  }
  return { enrollments, graduations: enrollments.map((e) => ({ studentId: e.studentId, date: '2022-06-30', graduationYear: 2022 })) };
}
