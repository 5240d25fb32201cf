import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '@chanjiao/contracts';
import type { DemoProgram } from './enrollment-data';
import type { Random } from './random';
import type { DemoContext } from './run-demo';

/**
 * The partnerships office's data set (DESIGN.md §7), as of the source's report (2023-06-20):
 * 453 enterprises on school–enterprise agreements since 2015, of which 148 agreements signed in 2022
 * (with 中泰, 慧尔 and others; more in 2023, which the year 2022 does not count); 10 government–school and
 * 3 university agreements in 2022; 23 "1+X" pilots with 23 enterprises; the four industry colleges the source names; order
 * classes of the 2022 cohort in 7 programs for 120 students (博斯腾湖旅游公司, 中泰鑫和, …); and
 * 403,000,000.00 CNY invested in training bases in 2021 (the textile and chemical-process bases and
 * four centrally funded ones; DESIGN.md §7 reports it for year 2021). Enterprises the source names keep
 * their names; all others are synthetic, and every credit code is generated (valid check character).
 * Some records fall after the report date (an agreement, a pilot, a college, an investment) so the
 * figures depend on `asOf` as they should.
 */
export interface PartnershipDataSet {
  partners: PartnerRow[];
  agreements: AgreementRow[];
  renewals: Array<{ agreementId: string; date: string; expiresOn: string }>;
  terminations: Array<{ agreementId: string; date: string; reason?: string }>;
  orderClasses: OrderClassRow[];
  /** Corrections of order classes posted earlier (e.g. the final number of students). */
  orderClassCorrections: OrderClassRow[];
  pilots: PilotRow[];
  pilotResults: Array<{ pilotId: string; year: number; trained: number; sat: number; passed: number }>;
  industryColleges: Array<{ collegeId: string; name: string; partnerIds: string[]; programCodes: string[]; foundedOn: string }>;
  trainingBases: Array<{ baseId: string; name: string; kind: string; sector?: string }>;
  investments: Array<{ baseId: string; investmentId: string; amount: string; source: string; date: string }>;
}

interface PartnerRow {
  partnerId: string;
  name: string;
  kind: 'enterprise' | 'government' | 'university' | 'secondary_school' | 'association' | 'other';
  creditCode: string;
  sector: string;
  region: string;
  ieiLevel?: string;
}

interface AgreementRow {
  agreementId: string;
  partnerIds: string[];
  kind: 'school_enterprise' | 'government_school' | 'university' | 'secondary_vocational';
  forms?: string[];
  programCodes?: string[];
  signedOn: string;
  expiresOn?: string;
}

interface OrderClassRow {
  orderClassId: string;
  partnerId: string;
  programCode: string;
  cohortYear: number;
  students: number;
}

interface PilotRow {
  pilotId: string;
  certificate: string;
  level: string;
  partnerId: string;
  programCodes: string[];
  launchedOn: string;
}

export const REPORT_DATE = '2023-06-20';
/** Enterprises on school–enterprise agreements signed on or before the report date. */
export const ENTERPRISES = 453;
/** School–enterprise agreements signed in 2022; and in 2023 up to the report date (with partners already counted), which 2022 does not count. */
export const SCHOOL_ENTERPRISE_IN_2022 = 148;
const SCHOOL_ENTERPRISE_IN_2023 = 20;
export const INVESTED_IN_2021 = '403000000.00';

const LOCAL_REGIONS: Array<[string, string]> = [
  ['652801', '库尔勒'],
  ['652801', '巴州'],
  ['652822', '轮台'],
  ['652823', '尉犁'],
  ['652824', '若羌'],
  ['652825', '且末'],
  ['652826', '焉耆'],
  ['652827', '和静'],
  ['652828', '和硕'],
  ['652829', '博湖'],
];
const OTHER_REGIONS: Array<[string, string]> = [
  ['650100', '新疆'],
  ['650100', '乌鲁木齐'],
  ['650200', '克拉玛依'],
  ['652900', '阿克苏'],
  ['130100', '石家庄'],
  ['370100', '济南'],
  ['320100', '南京'],
];
const BRAND_CHARS = '天山塔里木孔雀河博斯腾开都昆仑金丰泰华宏达鑫源瑞安盛通远恒新兴德利';
const TRADES: Record<string, string[]> = {
  chemical_materials: ['化工', '石化', '新材料', '精细化工'],
  textiles: ['纺织', '棉业', '服饰', '纺织科技'],
  mining: ['矿业', '矿产开发', '冶金'],
  modern_agriculture: ['农业科技', '果业', '种业', '农牧'],
  culture_tourism: ['文化旅游', '旅行社', '酒店管理', '文旅发展'],
  commerce_logistics: ['物流', '商贸', '供应链管理', '电子商务'],
  green_energy: ['新能源', '光伏科技', '风电'],
  other: ['汽车服务', '信息技术', '机电设备', '建设工程', '医药', '教育科技'],
};
const SECTOR_WEIGHTS = [
  ...Array<string>(5).fill('chemical_materials'),
  ...Array<string>(4).fill('textiles'),
  ...Array<string>(2).fill('mining'),
  ...Array<string>(4).fill('modern_agriculture'),
  ...Array<string>(3).fill('culture_tourism'),
  ...Array<string>(4).fill('commerce_logistics'),
  ...Array<string>(2).fill('green_energy'),
  ...Array<string>(4).fill('other'),
];
const SE_FORMS = ['order_class', 'apprenticeship', 'training_base', 'internship_base', 'joint_research'];

// ---------------------------------------------------------------------------------------------
// Dates

const toDate = (d: Date) => d.toISOString().slice(0, 10);
const parse = (date: string) => new Date(`${date}T00:00:00Z`);
export function addDays(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return toDate(d);
}
/** The last day of a term of `years` starting on `date`. */
const termEnd = (date: string, years: number) =>
  addDays(`${Number(date.slice(0, 4)) + years}${date.slice(4)}`.replace('-02-29', '-02-28'), -1);
const daysBetween = (a: string, b: string) => Math.round((parse(b).getTime() - parse(a).getTime()) / 86_400_000);
const dayIn = (rnd: Random, from: string, to: string) => addDays(from, rnd.int(0, daysBetween(from, to)));

// ---------------------------------------------------------------------------------------------
// Money, exact in cents

const cents = (amount: string) => {
  const [whole, frac = ''] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
};
const money = (c: bigint) => `${c / 100n}.${(c % 100n).toString().padStart(2, '0')}`;

// ---------------------------------------------------------------------------------------------

export function demoPartnership(rnd: Random, programs: DemoProgram[]): PartnershipDataSet {
  const program = (name: string) => {
    const p = programs.find((x) => x.name === name);
    if (!p) throw new Error(`the demo programs have no ${name}`);
    return p.code;
  };
  const higherVocational = programs.filter((p) => p.level === 'higher_vocational');
  const programsFor = (sector: string, n: number) => {
    const fit = higherVocational.filter((p) => p.sectors.includes(sector));
    return rnd
      .shuffle([...(fit.length ? fit : higherVocational)])
      .slice(0, n)
      .map((p) => p.code);
  };

  // Credit codes: 统一社会信用代码 = registration authority + type + region + 9-character org code + check.
  const codes = new Set<string>();
  const creditCode = (prefix: string, region: string) => {
    for (;;) {
      let body = `${prefix}${region}`;
      while (body.length < 17) body += CREDIT_CODE_ALPHABET[rnd.int(0, CREDIT_CODE_ALPHABET.length - 1)];
      const c = body + creditCodeCheckChar(body);
      if (!codes.has(c)) {
        codes.add(c);
        return c;
      }
    }
  };

  // --- Partners -------------------------------------------------------------------------------
  const partners: PartnerRow[] = [];
  let n = 0;
  const enterprise = (name: string, sector: string, region: string, ieiLevel = 'none'): PartnerRow => {
    const p: PartnerRow = {
      partnerId: `E${String(++n).padStart(4, '0')}`,
      name,
      kind: 'enterprise',
      creditCode: creditCode('91', region),
      sector,
      region,
      ieiLevel,
    };
    partners.push(p);
    return p;
  };
  // Named in the source: long-standing partners …
  const zhongtai = enterprise('新疆中泰化学', 'chemical_materials', '650100');
  const huier = enterprise('新疆慧尔农业', 'modern_agriculture', '652801');
  const xikong = enterprise('西控公司', 'modern_agriculture', '652801');
  const bosten = enterprise('博斯腾湖旅游公司', 'culture_tourism', '652829');
  const zhongtaiXinhe = enterprise('中泰鑫和', 'chemical_materials', '652801');
  // … and the partners of the four industry colleges (2022), and the enterprise met on the July 2022 trip.
  const rongying = enterprise('北京荣英教育咨询有限公司', 'other', '110108');
  const zhongchuan = enterprise('中船舰客教育科技（北京）有限公司', 'other', '110108');
  const jinming = enterprise('新疆金铭智能科技有限公司', 'other', '650100');
  const huawei = enterprise('华为技术有限公司', 'other', '440300');
  const tripEnterprise = enterprise('河北某纺织服装企业', 'textiles', '130100');
  const named = [zhongtai, huier, xikong, bosten, zhongtaiXinhe, rongying, zhongchuan, jinming, huawei, tripEnterprise];

  // Synthetic enterprises: unique names from place + brand + trade.
  const brands = rnd.shuffle([...BRAND_CHARS].flatMap((a) => [...BRAND_CHARS].filter((b) => b !== a).map((b) => a + b)));
  const synthetic = () => {
    const sector = rnd.pick(SECTOR_WEIGHTS);
    const [region, place] = rnd.next() < 0.72 ? rnd.pick(LOCAL_REGIONS) : rnd.pick(OTHER_REGIONS);
    const suffix = rnd.pick(['有限公司', '有限公司', '有限责任公司', '股份有限公司']);
    const iei = rnd.next() < 0.06 ? 'provincial' : rnd.next() < 0.01 ? 'national' : 'none';
    return enterprise(`${place}${brands[partners.length]!}${rnd.pick(TRADES[sector]!)}${suffix}`, sector, region, iei);
  };
  const others = Array.from({ length: ENTERPRISES - named.length }, () => synthetic());
  // Not counted in `enterprises` on the report date: one signs after it, one is only on a government agreement.
  const lateEnterprise = synthetic();
  const zoneEnterprise = synthetic();

  const body = (kind: PartnerRow['kind'], prefix: string, name: string, region: string, sector = 'other'): PartnerRow => {
    const p: PartnerRow = {
      partnerId: `${prefix}${String(++n).padStart(4, '0')}`,
      name,
      kind,
      creditCode: creditCode(kind === 'government' ? '11' : '12', region),
      sector,
      region,
    };
    partners.push(p);
    return p;
  };
  const governments2022 = [
    ['库尔勒市人民政府', '652801'],
    ['尉犁县人民政府', '652823'],
    ['轮台县人民政府', '652822'],
    ['和静县人民政府', '652827'],
    ['库尔勒经济技术开发区管委会', '652801'],
    ['第二师铁门关经济技术开发区管委会', '659006'],
    ['和硕县人民政府', '652828'],
    ['博湖县人民政府', '652829'],
    ['焉耆回族自治县人民政府', '652826'],
    ['且末县人民政府', '652825'],
  ].map(([name, region]) => body('government', 'G', name!, region!));
  const ruoqiang = body('government', 'G', '若羌县人民政府', '652824');
  const universitiesEarlier = [body('university', 'U', '河北师范大学', '130100'), body('university', 'U', '新疆工程学院', '650100')];
  const universities2022 = [
    body('university', 'U', '河北某应用型本科高校', '130100'),
    body('university', 'U', '山东某应用型本科高校', '370100'),
    body('university', 'U', '江苏某应用型本科高校', '320100'),
  ];
  const secondary = [
    body('secondary_school', 'S', '巴州红旗中等职业学校', '652801'),
    body('secondary_school', 'S', '巴州师范学校', '652801'),
    body('secondary_school', 'S', '阿克苏地区库车中等职业技术学校', '652923'),
  ];

  // --- Agreements -------------------------------------------------------------------------------
  const agreements: AgreementRow[] = [];
  const seq: Record<string, number> = {};
  const agreement = (a: Omit<AgreementRow, 'agreementId'>): AgreementRow => {
    const year = a.signedOn.slice(0, 4);
    seq[year] = (seq[year] ?? 0) + 1;
    const row = { agreementId: `AG-${year}-${String(seq[year]).padStart(3, '0')}`, ...a };
    agreements.push(row);
    return row;
  };
  const sectorOf = new Map(partners.map((p) => [p.partnerId, p.sector]));
  const schoolEnterprise = (ids: PartnerRow[], signedOn: string, opts: { forms?: string[]; years?: number | null } = {}) => {
    const years = opts.years !== undefined ? opts.years : rnd.pick([3, 3, 3, 5, 5, null]);
    const forms = opts.forms ?? rnd.shuffle([...SE_FORMS]).slice(0, rnd.int(1, 2));
    return agreement({
      partnerIds: ids.map((p) => p.partnerId),
      kind: 'school_enterprise',
      forms,
      programCodes: programsFor(sectorOf.get(ids[0]!.partnerId)!, rnd.int(1, 2)),
      signedOn,
      ...(years ? { expiresOn: termEnd(signedOn, years) } : {}),
    });
  };

  // 345 enterprises first signed before 2022 (2015–2021, more each year); 108 first signed since.
  const earlier = [zhongtai, huier, xikong, bosten, zhongtaiXinhe, ...others.slice(0, 340)];
  const newer = [rongying, zhongchuan, jinming, huawei, tripEnterprise, ...others.slice(340)];
  const earlyYears = [2015, 2016, 2016, 2017, 2017, 2018, 2018, 2018, 2019, 2019, 2019, 2020, 2020, 2020, 2021, 2021, 2021, 2021];
  const queue = rnd.shuffle([...earlier]);
  const before2022: AgreementRow[] = [];
  while (queue.length) {
    const size = Math.min(queue.length, rnd.next() < 0.1 ? rnd.int(2, 3) : 1);
    const year = rnd.pick(earlyYears);
    before2022.push(schoolEnterprise(queue.splice(0, size), dayIn(rnd, `${year}-01-05`, `${year}-12-28`)));
  }
  // Some partners signed a second agreement before 2022 (a new program, a new form).
  for (const p of rnd.shuffle([...earlier]).slice(0, 30)) {
    before2022.push(schoolEnterprise([p], dayIn(rnd, '2019-01-05', '2021-12-28')));
  }

  // 148 since 2022: one per enterprise, the 108 newcomers and 40 earlier partners (中泰, 慧尔 among them).
  const returning = [zhongtai, huier, ...rnd.shuffle(earlier.filter((p) => p !== zhongtai && p !== huier)).slice(0, 38)];
  const collegePartners = [rongying, zhongchuan, jinming, huawei];
  const orderClassPartners = new Set<PartnerRow>([zhongtai, huier, bosten, zhongtaiXinhe]);
  const since2022 = rnd.shuffle([...newer, ...returning]);
  const fixedIn2022 = new Set([...collegePartners, tripEnterprise, zhongtai, huier]);
  const signedSince: AgreementRow[] = since2022.map((p) => {
    const forms = collegePartners.includes(p)
      ? ['industry_college', 'joint_research']
      : p === zhongtai || p === huier
        ? ['order_class', 'training_base', 'joint_research']
        : orderClassPartners.has(p)
          ? ['order_class', 'internship_base']
          : undefined;
    let signedOn: string;
    if (collegePartners.includes(p)) signedOn = dayIn(rnd, '2022-08-01', '2022-09-10');
    else if (p === tripEnterprise) signedOn = dayIn(rnd, '2022-07-10', '2022-07-25');
    else signedOn = dayIn(rnd, '2022-01-04', '2022-12-30');
    // A few one-year agreements come up for renewal in the months after the report.
    const years = signedOn >= '2022-07-01' && rnd.next() < 0.08 ? 1 : undefined;
    return schoolEnterprise([p], signedOn, { forms, years });
  });
  // In 2023 before the report: second agreements with partners already counted (year 2022 counts none of them).
  for (const p of rnd.shuffle(returning.filter((x) => !fixedIn2022.has(x))).slice(0, SCHOOL_ENTERPRISE_IN_2023)) {
    schoolEnterprise([p], dayIn(rnd, '2023-01-03', REPORT_DATE));
  }
  // After the report date: a newcomer and an earlier partner.
  schoolEnterprise([lateEnterprise], '2023-08-15', { years: 3 });
  schoolEnterprise([rnd.pick(earlier)], '2023-09-01', { years: 3 });

  // Government–school: two earlier ones, ten in 2022 (one co-signed by an enterprise of the zone), one in 2023.
  agreement({ partnerIds: [governments2022[0]!.partnerId], kind: 'government_school', signedOn: '2017-09-12', expiresOn: '2020-09-11' });
  agreement({ partnerIds: [ruoqiang.partnerId], kind: 'government_school', forms: ['training_base'], signedOn: '2019-06-18' });
  governments2022.forEach((g, i) => {
    const signedOn = dayIn(rnd, '2022-02-10', '2022-12-20');
    agreement({
      partnerIds: i === 4 ? [g.partnerId, zoneEnterprise.partnerId] : [g.partnerId],
      kind: 'government_school',
      forms: i === 4 ? ['training_base', 'internship_base'] : undefined,
      signedOn,
      expiresOn: termEnd(signedOn, 5),
    });
  });
  const signed2023 = dayIn(rnd, '2023-02-01', '2023-05-31');
  agreement({
    partnerIds: [governments2022[1]!.partnerId],
    kind: 'government_school',
    signedOn: signed2023,
    expiresOn: termEnd(signed2023, 5),
  });
  // Universities: joint training (高本衔接) before 2022; three agreements on the July 2022 trip.
  agreement({
    partnerIds: [universitiesEarlier[0]!.partnerId],
    kind: 'university',
    forms: ['joint_research'],
    programCodes: [program('计算机应用技术')],
    signedOn: '2019-04-16',
  });
  agreement({
    partnerIds: [universitiesEarlier[1]!.partnerId],
    kind: 'university',
    programCodes: [program('机电一体化技术')],
    signedOn: '2020-10-20',
  });
  universities2022.forEach((u, i) =>
    agreement({
      partnerIds: [u.partnerId],
      kind: 'university',
      signedOn: `2022-07-${12 + 3 * i}`,
      expiresOn: termEnd(`2022-07-${12 + 3 * i}`, 5),
    }),
  );
  // Secondary schools: the 3+2 pathways.
  const pathways = ['机电一体化技术', '计算机应用技术', '服装设计与工艺'];
  secondary.forEach((s, i) =>
    agreement({
      partnerIds: [s.partnerId],
      kind: 'secondary_vocational',
      programCodes: [program(pathways[i]!)],
      signedOn: `${2018 + i}-05-20`,
    }),
  );

  // Renewals (before or after lapsing) and terminations (open-ended agreements only, never expired).
  const renewals: PartnershipDataSet['renewals'] = [];
  for (const a of rnd
    .shuffle(before2022.filter((x) => x.expiresOn && x.expiresOn >= '2019-03-01' && x.expiresOn <= '2023-05-31'))
    .slice(0, 14)) {
    const date = rnd.next() < 0.75 ? addDays(a.expiresOn!, -rnd.int(10, 40)) : addDays(a.expiresOn!, rnd.int(20, 60));
    if (date > REPORT_DATE || date < a.signedOn) continue;
    renewals.push({ agreementId: a.agreementId, date, expiresOn: termEnd(addDays(a.expiresOn!, 1), 3) });
  }
  const terminations: PartnershipDataSet['terminations'] = [];
  const namedIds = new Set(named.map((p) => p.partnerId));
  const openEnded = rnd.shuffle(
    [...before2022, ...signedSince].filter(
      (x) => !x.expiresOn && x.signedOn < '2022-10-01' && !x.partnerIds.some((id) => namedIds.has(id)),
    ),
  );
  for (const a of openEnded.slice(0, 7)) {
    terminations.push({
      agreementId: a.agreementId,
      date: dayIn(rnd, addDays(a.signedOn, 240), '2023-06-01'),
      reason: rnd.pick(['企业经营调整', '合作项目已完成', '企业迁出巴州']),
    });
  }

  // --- Order classes: cohort 2022 in 7 programs, 120 students; earlier and later cohorts too.
  const firm = (trade: string, fallback: number) =>
    others.find((p) => p.name.includes(trade) && p.region.startsWith('6528')) ?? others[fallback]!;
  const hotel = firm('酒店管理', 0);
  const it = firm('信息技术', 1);
  const auto = firm('汽车服务', 2);
  const oc = (cohortYear: number, k: number, partner: PartnerRow, name: string, students: number): OrderClassRow => ({
    orderClassId: `OC-${cohortYear}-${String(k).padStart(2, '0')}`,
    partnerId: partner.partnerId,
    programCode: program(name),
    cohortYear,
    students,
  });
  const orderClasses = [
    oc(2020, 1, zhongtai, '石油化工技术', 25),
    oc(2020, 2, bosten, '旅游管理', 22),
    oc(2020, 3, huier, '现代农业技术', 18),
    oc(2021, 1, zhongtai, '石油化工技术', 20),
    oc(2021, 2, zhongtaiXinhe, '应用化工技术', 15),
    oc(2021, 3, bosten, '导游', 16),
    oc(2021, 4, huier, '园艺技术', 14),
    oc(2022, 1, zhongtaiXinhe, '石油化工技术', 14),
    oc(2022, 2, zhongtai, '石油化工技术', 8),
    oc(2022, 3, zhongtai, '应用化工技术', 18),
    oc(2022, 4, it, '计算机应用技术', 16),
    oc(2022, 5, bosten, '旅游管理', 20),
    oc(2022, 6, hotel, '酒店管理与数字化运营', 15),
    oc(2022, 7, huier, '现代农业技术', 16),
    oc(2022, 8, auto, '汽车检测与维修技术', 15),
    oc(2023, 1, zhongtai, '化工智能制造技术', 30),
    oc(2023, 2, bosten, '旅游管理', 25),
  ];
  // Two of the 中泰鑫和 class's students moved to the regular class at the start of term.
  const orderClassCorrections = [{ ...orderClasses.find((o) => o.orderClassId === 'OC-2022-01')!, students: 12 }];

  // --- 1+X pilots: 23 certificates with 23 enterprises by the report date, one more launched after it.
  const certificates: Array<[string, string]> = [
    ['工业机器人操作与运维', '工业机器人技术'],
    ['网店运营推广', '电子商务'],
    ['智能财税', '大数据与会计'],
    ['汽车运用与维修', '汽车检测与维修技术'],
    ['Web前端开发', '计算机应用技术'],
    ['物流管理', '现代物流管理'],
    ['幼儿照护', '学前教育'],
    ['老年照护', '护理'],
    ['传感网应用开发', '电子信息工程技术'],
    ['大数据应用开发（Python）', '大数据技术'],
    ['建筑信息模型（BIM）', '建筑工程技术'],
    ['数控车铣加工', '数控技术'],
    ['电子商务数据分析', '电子商务'],
    ['业财一体信息化应用', '大数据与会计'],
    ['化工危险与可操作性（HAZOP）分析', '应用化工技术'],
    ['食品合规管理', '食品检验检测技术'],
    ['酒店运营管理', '酒店管理与数字化运营'],
    ['光伏电站运维', '光伏工程技术'],
    ['工业互联网实施与运维', '机电一体化技术'],
    ['服装陈列设计', '服装设计与工艺'],
    ['农产品食品检验', '食品检验检测技术'],
    ['药物制剂生产', '药学'],
    ['研学旅行课程设计与实施', '旅游管理'],
    ['新能源汽车动力驱动电机电池技术', '新能源装备技术'],
  ];
  const pilotPartners = rnd.shuffle([...earlier, ...newer].filter((p) => !collegePartners.includes(p))).slice(0, certificates.length);
  const pilots: PilotRow[] = certificates.map(([certificate, programName], i) => ({
    pilotId: `1X-${String(i + 1).padStart(2, '0')}`,
    certificate,
    level: rnd.pick(['初级', '中级', '中级', '高级']),
    partnerId: pilotPartners[i]!.partnerId,
    programCodes: [program(programName)],
    launchedOn: i < 23 ? dayIn(rnd, `${2019 + (i % 4)}-03-01`, `${2019 + (i % 4)}-11-30`) : '2023-09-01',
  }));
  const pilotResults: PartnershipDataSet['pilotResults'] = [];
  for (const p of pilots) {
    for (let year = Number(p.launchedOn.slice(0, 4)); year <= 2022; year++) {
      const trained = rnd.int(20, 80);
      const sat = trained - rnd.int(0, 5);
      pilotResults.push({ pilotId: p.pilotId, year, trained, sat, passed: sat - rnd.int(0, Math.floor(sat / 4)) });
    }
  }

  // --- Industry colleges: the four of the source (2022), and one founded after the report.
  const industryColleges = [
    {
      collegeId: 'IC-01',
      name: '新媒体产业学院',
      partnerIds: [rongying.partnerId],
      programCodes: [program('艺术设计'), program('电子商务')],
      foundedOn: '2022-09-15',
    },
    {
      collegeId: 'IC-02',
      name: '中船产业学院',
      partnerIds: [zhongchuan.partnerId],
      programCodes: [program('机电一体化技术'), program('数控技术')],
      foundedOn: '2022-10-10',
    },
    {
      collegeId: 'IC-03',
      name: '增材制造产业学院',
      partnerIds: [jinming.partnerId],
      programCodes: [program('工业机器人技术')],
      foundedOn: '2022-10-28',
    },
    {
      collegeId: 'IC-04',
      name: '华为ICT产业学院',
      partnerIds: [huawei.partnerId],
      programCodes: [program('计算机应用技术'), program('大数据技术'), program('电子信息工程技术')],
      foundedOn: '2022-11-18',
    },
    {
      collegeId: 'IC-05',
      name: '纺织服装产业学院',
      partnerIds: [tripEnterprise.partnerId],
      programCodes: [program('现代纺织技术')],
      foundedOn: '2023-09-10',
    },
  ];

  // --- Training bases and investments: 403,000,000.00 dated in 2021 (DESIGN.md §7: year 2021; a year's window ends on
  // 31 December, §5), with investments of the years before and after that must not count.
  const trainingBases = [
    { baseId: 'TB-TEX', name: '纺织工业技术产教融合实训基地', kind: 'industry_education', sector: 'textiles' },
    { baseId: 'TB-CHEM', name: '化工工艺产教融合实训基地', kind: 'industry_education', sector: 'chemical_materials' },
    { baseId: 'TB-AGRI', name: '现代农业智能施肥设施生产性实训基地', kind: 'productive', sector: 'modern_agriculture' },
    { baseId: 'TB-AUTO', name: '汽车检测与维修实训基地', kind: 'central_funded', sector: 'commerce_logistics' },
    { baseId: 'TB-EIT', name: '电子信息技术实训基地', kind: 'central_funded' },
    { baseId: 'TB-MECH', name: '机电类高技能人才实训基地', kind: 'central_funded' },
    { baseId: 'TB-TOUR', name: '旅游服务实训基地', kind: 'central_funded', sector: 'culture_tourism' },
    { baseId: 'TB-VR', name: '虚拟仿真实训基地', kind: 'virtual_simulation' },
  ];
  const inv = (baseId: string, k: number, amount: string, source: string, date: string) => ({
    baseId,
    investmentId: `INV-${baseId.slice(3)}-${String(k).padStart(2, '0')}`,
    amount,
    source,
    date,
  });
  const counted = [
    inv('TB-TEX', 2, '96500000.00', 'regional_government', '2021-03-18'),
    inv('TB-TEX', 3, '18260000.00', 'school', '2021-06-30'),
    inv('TB-TEX', 4, '6000000.00', 'enterprise', '2021-09-15'),
    inv('TB-TEX', 5, '20000000.00', 'central_government', '2021-11-20'),
    inv('TB-AGRI', 1, '3860000.00', 'enterprise', '2021-05-10'),
    inv('TB-AGRI', 2, '1245600.50', 'school', '2021-08-01'),
    inv('TB-CHEM', 1, '128000000.00', 'regional_government', '2021-03-01'),
    inv('TB-CHEM', 2, '30000000.00', 'central_government', '2021-06-15'),
    inv('TB-CHEM', 3, '12000000.00', 'enterprise', '2021-09-30'),
    inv('TB-AUTO', 2, '2180000.00', 'school', '2021-04-20'),
    inv('TB-EIT', 2, '10000000.00', 'central_government', '2021-10-12'),
    inv('TB-MECH', 1, '15000000.00', 'central_government', '2021-07-08'),
    inv('TB-MECH', 2, '3120000.00', 'school', '2021-05-16'),
    inv('TB-TOUR', 1, '10000000.00', 'central_government', '2021-04-25'),
    inv('TB-TOUR', 2, '2600000.00', 'regional_government', '2021-10-09'),
    inv('TB-VR', 1, '5000000.00', 'central_government', '2021-03-28'),
    inv('TB-VR', 2, '1888888.88', 'school', '2021-06-18'),
  ];
  // The school's own share of the chemical-process base is what makes up the total.
  const rest = cents(INVESTED_IN_2021) - counted.reduce((s, i) => s + cents(i.amount), 0n);
  if (rest <= 0n) throw new Error('the demo investments exceed the total of 2021');
  counted.push(inv('TB-CHEM', 4, money(rest), 'school', '2021-12-20'));
  const investments = [
    inv('TB-TEX', 1, '30000000.00', 'regional_government', '2020-11-26'),
    inv('TB-AUTO', 1, '15000000.00', 'central_government', '2019-10-15'),
    inv('TB-EIT', 1, '12000000.00', 'central_government', '2020-09-08'),
    ...counted,
    inv('TB-CHEM', 5, '8350000.00', 'school', '2022-04-18'),
    inv('TB-VR', 3, '2000000.00', 'school', '2023-09-12'),
  ];

  return {
    partners,
    agreements,
    renewals,
    terminations,
    orderClasses,
    orderClassCorrections,
    pilots,
    pilotResults,
    industryColleges,
    trainingBases,
    investments,
  };
}

/** Loads it as the partnerships office would: spreadsheets for the long lists, the batch API for the rest. */
export async function loadPartnership(ctx: DemoContext): Promise<void> {
  const d = demoPartnership(ctx.rnd, ctx.programs);
  ctx.log(
    `partnership: ${d.partners.length} partners, ${d.agreements.length} agreements, ${d.orderClasses.length} order classes, ` +
      `${d.pilots.length} 1+X pilots, ${d.industryColleges.length} industry colleges, ${d.investments.length} investments`,
  );
  await ctx.importCsv('partnership', 'partners', d.partners as never, 'partners');
  await ctx.importCsv('partnership', 'agreements', d.agreements as never, 'agreements');
  await ctx.batch('partnership', '/agreements/renewal:batch', d.renewals, 'agreement renewals');
  await ctx.importCsv('partnership', 'agreement-terminations', d.terminations, 'agreement terminations');
  await ctx.batch('partnership', '/order-classes:batch', d.orderClasses, 'order classes');
  await ctx.batch('partnership', '/order-classes:batch', d.orderClassCorrections, 'order class corrections');
  await ctx.importCsv('partnership', 'certificate-pilots', d.pilots as never, '1+X pilots');
  await ctx.importCsv('partnership', 'certificate-pilot-results', d.pilotResults, '1+X results');
  await ctx.batch('partnership', '/industry-colleges:batch', d.industryColleges, 'industry colleges');
  await ctx.batch('partnership', '/training-bases:batch', d.trainingBases, 'training bases');
  await ctx.importCsv('partnership', 'training-base-investments', d.investments, 'training-base investments');
}
