import type { Random } from './random';
import type { DemoContext } from './run-demo';

/**
 * The alliance secretariat's data set (DESIGN.md §7). The source names the alliances and the
 * college's role in each: 理事长/秘书长 unit of 新疆汽车职教联盟, 新疆电子信息职教联盟,
 * 河北—巴州纺织服装职教联盟 and 巴州职业教育联盟, 副理事长 unit of 新疆旅游教育联盟 and
 * 新疆职业教育混合所有制研究联盟; it also lists 新疆智能制造职教联盟 among the alliances the college
 * formed, which is the seventh here (led, so the college leads five of seven). The online forum of
 * November 2022 with "40多家高等院校和企业" is the second 产教融合汽车发展高峰论坛 of the automotive
 * alliance. Founding dates, members, contributions and the other activities are synthetic: members
 * are bodies (colleges, schools, enterprises, …) with made-up names and ids, never people.
 */

export interface DemoAlliance {
  allianceId: string;
  name: string;
  scope: 'industry' | 'regional' | 'cross_province';
  sector?: string;
  foundedOn: string;
  role: 'chair' | 'vice_chair' | 'secretary_general' | 'council' | 'member';
}
type Role = DemoAlliance['role'];
type MemberKind =
  'vocational_college' | 'university' | 'secondary_school' | 'enterprise' | 'government' | 'association' | 'research_institute';

export interface DemoJoin {
  allianceId: string;
  memberId: string;
  memberKind: MemberKind;
  role: Role;
  joinedOn: string;
}
export interface DemoContribution {
  allianceId: string;
  contributionId: string;
  memberId: string;
  kind: 'funds' | 'technology' | 'talent' | 'equipment';
  amount?: string;
  description?: string;
  date: string;
}
export interface DemoActivity {
  allianceId: string;
  activityId: string;
  kind: 'forum' | 'training' | 'competition' | 'meeting';
  title: string;
  date: string;
  online: boolean;
  participants?: string[];
  participantCount?: number;
}

export interface AllianceDataSet {
  alliances: DemoAlliance[];
  charters: Array<{ allianceId: string; version: number; adoptedOn: string; summary?: string }>;
  joins: DemoJoin[];
  roleChanges: Array<{ allianceId: string; memberId: string; role: Role; date: string }>;
  departures: Array<{ allianceId: string; memberId: string; date: string }>;
  /** Members who left and joined again (a new membership period). */
  rejoins: DemoJoin[];
  contributions: DemoContribution[];
  activities: DemoActivity[];
  /** The 2022 online forum of the automotive alliance. */
  forum: DemoActivity;
}

/** The college's alliances; the first five are led (chair or secretary_general). */
export const DEMO_ALLIANCES: DemoAlliance[] = [
  { allianceId: 'XJ-AUTO', name: '新疆汽车职业教育联盟', scope: 'regional', foundedOn: '2016-11-18', role: 'chair' },
  { allianceId: 'XJ-EIT', name: '新疆电子信息职业教育联盟', scope: 'industry', foundedOn: '2018-05-26', role: 'secretary_general' },
  {
    allianceId: 'HB-BZ-TEX',
    name: '河北—巴州纺织服装职业教育联盟',
    scope: 'cross_province',
    sector: 'textiles',
    foundedOn: '2019-07-12',
    role: 'chair',
  },
  { allianceId: 'BZ-VET', name: '巴州职业教育联盟', scope: 'regional', foundedOn: '2017-09-22', role: 'chair' },
  { allianceId: 'XJ-IM', name: '新疆智能制造职业教育联盟', scope: 'industry', foundedOn: '2020-10-16', role: 'chair' },
  {
    allianceId: 'XJ-TOUR',
    name: '新疆旅游教育联盟',
    scope: 'regional',
    sector: 'culture_tourism',
    foundedOn: '2015-10-15',
    role: 'vice_chair',
  },
  { allianceId: 'XJ-MIXED', name: '新疆职业教育混合所有制研究联盟', scope: 'regional', foundedOn: '2019-03-28', role: 'vice_chair' },
];

const FIELD: Record<string, string> = {
  'XJ-AUTO': '汽车',
  'XJ-EIT': '电子信息',
  'HB-BZ-TEX': '纺织服装',
  'BZ-VET': '职业教育',
  'XJ-IM': '智能制造',
  'XJ-TOUR': '旅游',
  'XJ-MIXED': '混合所有制办学',
};
const ENTERPRISE_TRADE: Record<string, string[]> = {
  'XJ-AUTO': ['汽车销售服务', '汽车维修', '新能源汽车', '汽车零部件', '运输'],
  'XJ-EIT': ['电子科技', '信息技术', '通信工程', '软件', '数据服务'],
  'HB-BZ-TEX': ['纺织', '服装', '棉业', '印染', '家纺'],
  'BZ-VET': ['石化', '建设工程', '农业科技', '商贸物流', '酒店管理'],
  'XJ-IM': ['智能装备', '机电', '自动化', '工业机器人', '数控'],
  'XJ-TOUR': ['旅游发展', '文化传媒', '酒店管理', '旅行社', '景区运营'],
  'XJ-MIXED': ['教育科技', '产业投资', '人力资源', '实训设备', '建设工程'],
};
const PLACES = [
  '库尔勒',
  '和静',
  '轮台',
  '尉犁',
  '若羌',
  '且末',
  '焉耆',
  '和硕',
  '博湖',
  '乌鲁木齐',
  '昌吉',
  '石河子',
  '哈密',
  '阿克苏',
  '喀什',
  '伊宁',
];
const FAR_PLACES = [
  '天津',
  '石家庄',
  '保定',
  '济南',
  '郑州',
  '西安',
  '兰州',
  '成都',
  '长沙',
  '合肥',
  '南京',
  '杭州',
  '广州',
  '沈阳',
  '长春',
  '武汉',
];
const BRANDS = [
  '恒远',
  '天诚',
  '博达',
  '瀚海',
  '金石',
  '新程',
  '启航',
  '睿联',
  '众合',
  '嘉禾',
  '锦程',
  '华拓',
  '鼎信',
  '丰源',
  '远景',
  '晨曦',
  '驰骋',
  '立新',
];

/** "2020-03-01" + n days. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
const dateBetween = (rnd: Random, from: string, to: string) => addDays(from, rnd.int(0, Math.max(0, daysBetween(from, to))));
const later = (a: string, b: string) => (a > b ? a : b);

/** An exact CNY amount: whole yuan between min and max, with random cents. */
const money = (rnd: Random, min: number, max: number) => `${rnd.int(min, max)}.${String(rnd.int(0, 99)).padStart(2, '0')}`;

interface Body {
  id: string;
  kind: MemberKind;
  name: string;
}

/** Made-up member bodies of one alliance; a few shared ones (the same id) sit in several alliances. */
function membersOf(rnd: Random, a: DemoAlliance, shared: Body[], names: Set<string>): Body[] {
  const unique = (make: () => string) => {
    for (;;) {
      const n = make();
      if (!names.has(n)) {
        names.add(n);
        return n;
      }
    }
  };
  const prefix = a.allianceId.split('-').pop()!;
  const n = rnd.int(26, 42);
  const kinds: MemberKind[] = [];
  for (let i = 0; i < n; i++) {
    const x = rnd.next();
    kinds.push(
      x < 0.5
        ? 'enterprise'
        : x < 0.72
          ? 'vocational_college'
          : x < 0.82
            ? 'secondary_school'
            : x < 0.88
              ? 'university'
              : x < 0.93
                ? 'government'
                : x < 0.97
                  ? 'association'
                  : 'research_institute',
    );
  }
  const bodies: Body[] = kinds.map((kind, i) => {
    const id = `${prefix}-${kind === 'enterprise' ? 'E' : 'I'}${String(i + 1).padStart(3, '0')}`;
    const brand = () => rnd.pick(BRANDS);
    const name = unique(() => {
      const place = rnd.pick(PLACES);
      switch (kind) {
        case 'enterprise':
          return `${place}${brand()}${rnd.pick(ENTERPRISE_TRADE[a.allianceId]!)}有限公司`;
        case 'vocational_college':
          return `${place}${brand()}职业技术学院`;
        case 'secondary_school':
          return `${place}${brand()}中等职业技术学校`;
        case 'university':
          return `${rnd.pick(FAR_PLACES)}${brand()}科技大学`;
        case 'government':
          return `${place}${FIELD[a.allianceId]}产业发展服务中心`;
        case 'association':
          return `${place}${FIELD[a.allianceId]}行业协会`;
        case 'research_institute':
          return `${place}${brand()}${FIELD[a.allianceId]}研究院`;
      }
    });
    return { id, kind, name };
  });
  // Two bodies of the region are members of every alliance (same member id everywhere).
  return [...shared, ...bodies];
}

/** Builds the whole data set from the seeded random numbers (same seed, same data). */
export function allianceDataSet(rnd: Random): AllianceDataSet {
  const names = new Set<string>();
  const shared: Body[] = [
    { id: 'BZ-GOV-EDU', kind: 'government', name: '巴州产教融合服务中心' },
    { id: 'BZ-ASSOC-VET', kind: 'association', name: '巴州职业教育协会' },
  ];
  shared.forEach((b) => names.add(b.name));
  const set: AllianceDataSet = {
    alliances: DEMO_ALLIANCES,
    charters: [],
    joins: [],
    roleChanges: [],
    departures: [],
    rejoins: [],
    contributions: [],
    activities: [],
    forum: undefined as unknown as DemoActivity,
  };
  const bodiesByAlliance = new Map<string, Body[]>();

  for (const a of DEMO_ALLIANCES) {
    const bodies = membersOf(rnd, a, shared, names);
    bodiesByAlliance.set(a.allianceId, bodies);
    const field = FIELD[a.allianceId]!;

    // Charter: version 1 on the founding day; most alliances revised it once before 2022 ends.
    set.charters.push({ allianceId: a.allianceId, version: 1, adoptedOn: a.foundedOn, summary: `${a.name}章程（第一版）` });
    if (rnd.next() < 0.7) {
      set.charters.push({
        allianceId: a.allianceId,
        version: 2,
        adoptedOn: dateBetween(rnd, later(addDays(a.foundedOn, 365), '2021-01-01'), '2022-10-31'),
        summary: '修订：决策执行、经费投入、产权改革、考核激励运行机制',
      });
    }

    // Joins: about a third on the founding day, the others later (up to late 2022).
    const founders = Math.ceil(bodies.length / 3);
    const joins: DemoJoin[] = bodies.map((b, i) => {
      const role: Role =
        i === 2 && a.role === 'vice_chair'
          ? 'chair'
          : i === 3 && a.role === 'vice_chair'
            ? 'secretary_general'
            : i >= 2 && i < 4
              ? 'vice_chair'
              : i >= 4 && i < 9
                ? 'council'
                : 'member';
      const joinedOn = i < founders ? a.foundedOn : dateBetween(rnd, addDays(a.foundedOn, 30), '2022-10-31');
      return { allianceId: a.allianceId, memberId: b.id, memberKind: b.kind, role, joinedOn };
    });
    set.joins.push(...joins);

    // Plain members from index 9 on (joined by March 2022): two promoted to the council, one or two
    // leave (one comes back).
    const plain = rnd.shuffle(joins.slice(9).filter((j) => j.joinedOn <= '2022-03-31'));
    const promoted = plain.slice(0, 2);
    const leaving = plain.slice(2, 2 + rnd.int(1, 2));
    for (const j of promoted) {
      set.roleChanges.push({
        allianceId: a.allianceId,
        memberId: j.memberId,
        role: 'council',
        date: dateBetween(rnd, later(addDays(j.joinedOn, 180), '2021-01-01'), '2022-12-15'),
      });
    }
    for (const [n, j] of leaving.entries()) {
      const date = dateBetween(rnd, later(addDays(j.joinedOn, 60), '2021-01-01'), '2022-11-30');
      set.departures.push({ allianceId: a.allianceId, memberId: j.memberId, date });
      if (a.allianceId === 'XJ-AUTO' && n === 0) {
        set.rejoins.push({ ...j, role: 'member', joinedOn: dateBetween(rnd, addDays(date, 1), '2022-12-20') });
      }
    }

    // Contributions of each kind from members that never leave, dated after their join, in 2021–2022.
    const leavers = new Set(leaving.map((j) => j.memberId));
    const stayers = joins.filter((j) => !leavers.has(j.memberId) && j.joinedOn <= '2022-06-30');
    const kinds: DemoContribution['kind'][] = ['funds', 'technology', 'talent', 'equipment'];
    const nContrib = rnd.int(8, 14);
    for (let i = 0; i < nContrib; i++) {
      const kind = kinds[i % 4]!;
      const member = rnd.pick(stayers);
      const date = dateBetween(rnd, later(addDays(member.joinedOn, 1), '2021-01-01'), '2022-12-20');
      const c: DemoContribution = {
        allianceId: a.allianceId,
        contributionId: `${date.slice(0, 4)}-C${String(i + 1).padStart(3, '0')}`,
        memberId: member.memberId,
        kind,
        date,
      };
      if (kind === 'funds') {
        c.amount = money(rnd, 20_000, 800_000);
        c.description = `${field}专业建设共建资金`;
      } else if (kind === 'equipment') {
        c.amount = money(rnd, 50_000, 2_500_000);
        c.description = `${field}实训设备捐赠`;
      } else if (kind === 'technology') {
        if (rnd.next() < 0.5) c.amount = money(rnd, 10_000, 300_000);
        c.description = `${field}技术标准与课程资源共享`;
      } else {
        c.description = '技术骨干兼职授课与实习指导';
      }
      set.contributions.push(c);
    }

    // Activities: a council meeting each year, trainings, a competition, and a smaller forum.
    const act = (kind: DemoActivity['kind'], date: string, title: string, online: boolean, count: number): DemoActivity => ({
      allianceId: a.allianceId,
      activityId: `${date.slice(0, 4)}-${kind.slice(0, 1).toUpperCase()}${date.slice(5, 7)}${date.slice(8)}`,
      kind,
      title,
      date,
      online,
      participantCount: count,
    });
    for (const year of [2021, 2022]) {
      set.activities.push(
        act('meeting', dateBetween(rnd, `${year}-03-01`, `${year}-04-30`), `${a.name}${year}年理事会`, year === 2022, rnd.int(12, 25)),
      );
      set.activities.push(
        act('training', dateBetween(rnd, `${year}-06-01`, `${year}-08-31`), `${field}师资培训班`, rnd.next() < 0.5, rnd.int(8, 30)),
      );
    }
    set.activities.push(act('competition', dateBetween(rnd, '2022-05-01', '2022-06-30'), `${field}职业技能竞赛`, false, rnd.int(10, 24)));
    if (a.allianceId !== 'XJ-AUTO') {
      set.activities.push(
        act('forum', dateBetween(rnd, '2022-09-01', '2022-10-31'), `${field}产教融合论坛`, rnd.next() < 0.5, rnd.int(15, 32)),
      );
    } else {
      set.activities.push(act('forum', '2021-11-20', '新疆汽车职教联盟第一届产教融合汽车发展高峰论坛', false, rnd.int(25, 35)));
    }
  }

  // The source's forum: online, November 2022, more than 40 colleges and enterprises from across
  // the country (alliance members and guests), listed by name.
  const auto = bodiesByAlliance
    .get('XJ-AUTO')!
    .filter((b) => b.kind === 'enterprise' || b.kind === 'vocational_college' || b.kind === 'university');
  const guests: string[] = [];
  while (guests.length < 43 - Math.min(auto.length, 28)) {
    const name = `${rnd.pick(FAR_PLACES)}${rnd.pick(BRANDS)}${rnd.pick(['汽车职业学院', '交通职业技术学院', '汽车集团有限公司', '新能源汽车科技有限公司'])}`;
    if (!names.has(name)) {
      names.add(name);
      guests.push(name);
    }
  }
  set.forum = {
    allianceId: 'XJ-AUTO',
    activityId: '2022-F1118',
    kind: 'forum',
    title: '新疆汽车职教联盟第二届产教融合汽车发展高峰论坛',
    date: '2022-11-18',
    online: true,
    participants: ['巴音郭楞职业技术学院', ...auto.slice(0, 28).map((b) => b.name), ...guests].slice(0, 44),
  };
  return set;
}

/** Participating bodies of the 2022 forum: the college, members and guests. */
export const forumParticipants = (set: AllianceDataSet) => new Set(set.forum.participants).size;

/** Loads the alliance secretariat's records through the write API and file imports. */
export async function loadAlliance(ctx: DemoContext): Promise<void> {
  const set = allianceDataSet(ctx.rnd);
  ctx.log(
    `alliance: ${set.alliances.length} alliances, ${set.joins.length} members, ${set.contributions.length} contributions, ` +
      `${set.activities.length + 1} activities`,
  );
  // Registered in the secretariat's system, posted as a batch; charters kept in a spreadsheet.
  await ctx.batch('alliance', '/alliances:batch', set.alliances, 'alliances');
  await ctx.importCsv('alliance', 'charters', set.charters, 'charters');
  // The member roster, its role changes and departures come from spreadsheets; the re-join is
  // posted as it happens.
  await ctx.importCsv('alliance', 'members', set.joins as never, 'alliance members');
  await ctx.importCsv('alliance', 'member-roles', set.roleChanges, 'member role changes');
  await ctx.batch('alliance', '/alliances/members/departure:batch', set.departures, 'member departures');
  for (const j of set.rejoins) {
    const { allianceId, ...body } = j;
    await ctx.call('alliance', 'POST', `/alliances/${allianceId}/members`, body);
  }
  await ctx.importCsv('alliance', 'contributions', set.contributions as never, 'contributions');
  await ctx.batch('alliance', '/alliances/activities:batch', set.activities, 'activities');
  const { allianceId, ...forum } = set.forum;
  await ctx.call('alliance', 'POST', `/alliances/${allianceId}/activities`, forum);
}
