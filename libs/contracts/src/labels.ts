/**
 * What users read for the enums of the contract: Chinese (Simplified) first, English beside (DESIGN.md §3), one table
 * per enum (SECTOR_LABELS, with the sectors, is in reference.ts), used by imports, templates, error messages and the
 * dashboard. Imports also read the Traditional form and the other names offices write. Type-only imports: the
 * dashboard's browser bundle includes this file and must not pull in the event schemas.
 */
import type {
  AgreementKind,
  CooperationForm,
  IeiLevel,
  InvestmentSource,
  PartnerKind,
  Pathway,
  ProgramLevel,
  ProgramStatus,
} from './reference';
import type { ActivityKind, AllianceMemberKind, AllianceRole, AllianceScope, ContributionKind } from './events/alliance.events';
import type { DestinationCategory, DestinationDetail, InternshipKind } from './events/placement.events';

export interface Label {
  zh: string;
  en: string;
  /** The Traditional form, where it differs from `zh`. */
  zhHant?: string;
  /** Other names clerks write for it (Simplified or Traditional), accepted by imports, never shown. */
  aliases?: readonly string[];
}
/** One table of labels per enum. */
export type Labels<T extends string> = Readonly<Record<T, Label>>;

export const PROGRAM_LEVEL_LABELS: Labels<ProgramLevel> = {
  secondary: { zh: '中职', zhHant: '中職', en: 'Secondary vocational', aliases: ['中专', '中專', '中等职业教育', '中等職業教育'] },
  higher_vocational: {
    zh: '高职专科',
    zhHant: '高職專科',
    en: 'Higher vocational',
    aliases: ['高职', '高職', '专科', '專科', '大专', '大專'],
  },
  undergraduate: { zh: '职业本科', zhHant: '職業本科', en: 'Vocational undergraduate', aliases: ['本科', 'Undergraduate'] },
};

export const PROGRAM_STATUS_LABELS: Labels<ProgramStatus> = {
  open: { zh: '招生', en: 'Open', aliases: ['在招', '正常招生', '开设', '開設'] },
  suspended: { zh: '停招', en: 'Suspended', aliases: ['暂停招生', '暫停招生', '停止招生'] },
};

export const PATHWAY_LABELS: Labels<Pathway> = {
  regular: { zh: '普通', en: 'Regular', aliases: ['统招', '統招', '普通招生'] },
  secondary_higher_3_2: {
    zh: '3+2 中高职贯通',
    zhHant: '3+2 中高職貫通',
    en: '3+2 secondary–higher vocational',
    aliases: ['中高职3+2', '中高職3+2', '中高职贯通', '中高職貫通'],
  },
  higher_undergraduate_3_2: {
    zh: '3+2 高本贯通',
    zhHant: '3+2 高本貫通',
    en: '3+2 higher vocational–undergraduate',
    aliases: ['高本3+2', '专本贯通', '專本貫通'],
  },
  through_2_3: { zh: '2+3 贯通', zhHant: '2+3 貫通', en: '2+3 through-training', aliases: ['2+3'] },
  expanded: { zh: '扩招', zhHant: '擴招', en: 'Expanded enrolment', aliases: ['高职扩招', '高職擴招'] },
};

export const PARTNER_KIND_LABELS: Labels<PartnerKind> = {
  enterprise: { zh: '企业', zhHant: '企業', en: 'Enterprise' },
  government: { zh: '政府部门', zhHant: '政府部門', en: 'Government', aliases: ['政府'] },
  university: { zh: '高校', en: 'University', aliases: ['大学', '大學', '本科院校'] },
  secondary_school: { zh: '中职学校', zhHant: '中職學校', en: 'Secondary vocational school', aliases: ['中职', '中職'] },
  association: { zh: '行业协会', zhHant: '行業協會', en: 'Association', aliases: ['协会', '協會'] },
  other: { zh: '其他', en: 'Other' },
};

export const IEI_LEVEL_LABELS: Labels<IeiLevel> = {
  none: { zh: '无', zhHant: '無', en: 'None', aliases: ['否'] },
  provincial: { zh: '省级', zhHant: '省級', en: 'Provincial', aliases: ['自治区级', '自治區級'] },
  national: { zh: '国家级', zhHant: '國家級', en: 'National' },
};

export const AGREEMENT_KIND_LABELS: Labels<AgreementKind> = {
  school_enterprise: { zh: '校企合作', en: 'School–enterprise' },
  government_school: { zh: '政校合作', en: 'Government–school' },
  university: { zh: '校校合作（高校）', en: 'University', aliases: ['校校合作', '与高校合作', '與高校合作'] },
  secondary_vocational: {
    zh: '中高职合作',
    zhHant: '中高職合作',
    en: 'Secondary vocational',
    aliases: ['中高职衔接', '中高職銜接', '与中职学校合作', '與中職學校合作'],
  },
};

export const COOPERATION_FORM_LABELS: Labels<CooperationForm> = {
  order_class: { zh: '订单班', zhHant: '訂單班', en: 'Order class', aliases: ['订单培养', '訂單培養'] },
  apprenticeship: { zh: '现代学徒制', zhHant: '現代學徒制', en: 'Apprenticeship', aliases: ['学徒制', '學徒制'] },
  industry_college: { zh: '产业学院', zhHant: '產業學院', en: 'Industry college' },
  training_base: { zh: '实训基地', zhHant: '實訓基地', en: 'Training base' },
  internship_base: { zh: '实习基地', zhHant: '實習基地', en: 'Internship base' },
  certificate_pilot: { zh: '1+X 证书试点', zhHant: '1+X 證書試點', en: '1+X certificate pilot', aliases: ['1+X'] },
  joint_research: { zh: '联合研发', zhHant: '聯合研發', en: 'Joint research', aliases: ['技术研发', '技術研發'] },
};

export const INVESTMENT_SOURCE_LABELS: Labels<InvestmentSource> = {
  central_government: { zh: '中央财政', zhHant: '中央財政', en: 'Central government' },
  regional_government: {
    zh: '地方财政',
    zhHant: '地方財政',
    en: 'Regional government',
    aliases: ['自治区财政', '自治區財政', '地方政府'],
  },
  school: { zh: '学校自筹', zhHant: '學校自籌', en: 'School', aliases: ['学校', '學校'] },
  enterprise: { zh: '企业投入', zhHant: '企業投入', en: 'Enterprise', aliases: ['企业', '企業'] },
  other: { zh: '其他', en: 'Other' },
};

export const ALLIANCE_SCOPE_LABELS: Labels<AllianceScope> = {
  industry: { zh: '行业型', zhHant: '行業型', en: 'Industry', aliases: ['行业', '行業'] },
  regional: { zh: '区域型', zhHant: '區域型', en: 'Regional', aliases: ['区域', '區域'] },
  cross_province: { zh: '跨省型', en: 'Cross-province', aliases: ['跨省', '跨区域', '跨區域'] },
};

export const ALLIANCE_ROLE_LABELS: Labels<AllianceRole> = {
  chair: { zh: '理事长单位', zhHant: '理事長單位', en: 'Chair', aliases: ['理事长', '理事長', '牵头单位', '牽頭單位'] },
  vice_chair: { zh: '副理事长单位', zhHant: '副理事長單位', en: 'Vice chair', aliases: ['副理事长', '副理事長'] },
  secretary_general: { zh: '秘书长单位', zhHant: '秘書長單位', en: 'Secretary general', aliases: ['秘书长', '秘書長'] },
  council: { zh: '理事单位', zhHant: '理事單位', en: 'Council member', aliases: ['理事'] },
  member: { zh: '成员单位', zhHant: '成員單位', en: 'Member', aliases: ['成员', '成員', '会员单位', '會員單位'] },
};

export const ALLIANCE_MEMBER_KIND_LABELS: Labels<AllianceMemberKind> = {
  vocational_college: { zh: '职业院校', zhHant: '職業院校', en: 'Vocational college', aliases: ['高职院校', '高職院校'] },
  university: { zh: '本科高校', en: 'University', aliases: ['高校', '大学', '大學'] },
  secondary_school: { zh: '中职学校', zhHant: '中職學校', en: 'Secondary vocational school', aliases: ['中职', '中職'] },
  enterprise: { zh: '企业', zhHant: '企業', en: 'Enterprise' },
  government: { zh: '政府部门', zhHant: '政府部門', en: 'Government', aliases: ['政府'] },
  association: { zh: '行业协会', zhHant: '行業協會', en: 'Association', aliases: ['协会', '協會'] },
  research_institute: { zh: '科研院所', en: 'Research institute' },
  other: { zh: '其他', en: 'Other' },
};

export const CONTRIBUTION_KIND_LABELS: Labels<ContributionKind> = {
  funds: { zh: '资金', zhHant: '資金', en: 'Funds' },
  technology: { zh: '技术', zhHant: '技術', en: 'Technology' },
  talent: { zh: '人才', en: 'Talent' },
  equipment: { zh: '设备', zhHant: '設備', en: 'Equipment' },
};

export const ACTIVITY_KIND_LABELS: Labels<ActivityKind> = {
  forum: { zh: '论坛', zhHant: '論壇', en: 'Forum' },
  training: { zh: '培训', zhHant: '培訓', en: 'Training' },
  competition: { zh: '技能竞赛', zhHant: '技能競賽', en: 'Competition', aliases: ['竞赛', '競賽', '大赛', '大賽'] },
  meeting: { zh: '会议', zhHant: '會議', en: 'Meeting' },
};

export const INTERNSHIP_KIND_LABELS: Labels<InternshipKind> = {
  cognitive: { zh: '认识实习', zhHant: '認識實習', en: 'Cognitive' },
  follow: { zh: '跟岗实习', zhHant: '跟崗實習', en: 'Follow-the-post' },
  post: { zh: '岗位实习', zhHant: '崗位實習', en: 'Post', aliases: ['顶岗实习', '頂崗實習'] },
};

export const DESTINATION_CATEGORY_LABELS: Labels<DestinationCategory> = {
  contract: { zh: '协议和合同就业', zhHant: '協議和合同就業', en: 'Contract employment', aliases: ['合同就业', '合同就業'] },
  flexible: { zh: '灵活就业', zhHant: '靈活就業', en: 'Flexible employment' },
  entrepreneurship: { zh: '自主创业', zhHant: '自主創業', en: 'Entrepreneurship', aliases: ['创业', '創業'] },
  further_study: { zh: '升学', zhHant: '升學', en: 'Further study' },
  not_placed: { zh: '暂不就业', zhHant: '暫不就業', en: 'Not placed', aliases: ['未就业', '未就業'] },
};

export const DESTINATION_DETAIL_LABELS: Labels<DestinationDetail> = {
  employment_agreement: {
    zh: '签就业协议形式就业',
    zhHant: '簽就業協議形式就業',
    en: 'Employment agreement',
    aliases: ['就业协议', '就業協議'],
  },
  labor_contract: { zh: '签劳动合同形式就业', zhHant: '簽勞動合同形式就業', en: 'Labour contract', aliases: ['劳动合同', '勞動合同'] },
  research_assistant: { zh: '科研助理', en: 'Research assistant', aliases: ['科研助理、管理助理'] },
  military_service: { zh: '应征义务兵', zhHant: '應徵義務兵', en: 'Military service', aliases: ['参军', '參軍', '入伍'] },
  grassroots_project: { zh: '基层项目', zhHant: '基層項目', en: 'Grassroots project', aliases: ['国家基层项目', '國家基層項目'] },
  freelance: { zh: '自由职业', zhHant: '自由職業', en: 'Freelance' },
  other_flexible: { zh: '其他录用形式就业', zhHant: '其他錄用形式就業', en: 'Other flexible employment' },
  upgrade_to_bachelor: { zh: '专升本', zhHant: '專升本', en: 'Upgrade to bachelor' },
  postgraduate: { zh: '研究生', en: 'Postgraduate', aliases: ['考研', '读研', '讀研'] },
  abroad: { zh: '出国、出境', zhHant: '出國、出境', en: 'Abroad', aliases: ['出国', '出國', '出国留学', '出國留學'] },
  seeking: { zh: '求职中', zhHant: '求職中', en: 'Seeking work', aliases: ['待就业', '待就業'] },
  not_seeking: { zh: '不就业拟升学', zhHant: '不就業擬升學', en: 'Not seeking work', aliases: ['暂不就业', '暫不就業'] },
};

/**
 * The program categories (专业大类) of the 2021 catalogue of vocational programs, by their higher-vocational code
 * (41–59); the secondary (61–79) and undergraduate (21–39) codes of the same category differ by 20 (see
 * {@link programCategoryLabel}).
 */
export const PROGRAM_CATEGORY_LABELS: Readonly<Record<string, Label>> = {
  '41': { zh: '农林牧渔大类', en: 'Agriculture, forestry, animal husbandry and fishery' },
  '42': { zh: '资源环境与安全大类', en: 'Resources, environment and safety' },
  '43': { zh: '能源动力与材料大类', en: 'Energy, power and materials' },
  '44': { zh: '土木建筑大类', en: 'Civil engineering and architecture' },
  '45': { zh: '水利大类', en: 'Water conservancy' },
  '46': { zh: '装备制造大类', en: 'Equipment manufacturing' },
  '47': { zh: '生物与化工大类', en: 'Biology and chemical engineering' },
  '48': { zh: '轻工纺织大类', en: 'Light industry and textiles' },
  '49': { zh: '食品药品与粮食大类', en: 'Food, drugs and grain' },
  '50': { zh: '交通运输大类', en: 'Transportation' },
  '51': { zh: '电子与信息大类', en: 'Electronics and information' },
  '52': { zh: '医药卫生大类', en: 'Medicine and health' },
  '53': { zh: '财经商贸大类', en: 'Finance, economics and trade' },
  '54': { zh: '旅游大类', en: 'Tourism' },
  '55': { zh: '文化艺术大类', en: 'Culture and arts' },
  '56': { zh: '新闻传播大类', en: 'Journalism and communication' },
  '57': { zh: '教育与体育大类', en: 'Education and sports' },
  '58': { zh: '公安与司法大类', en: 'Public security and justice' },
  '59': { zh: '公共管理与服务大类', en: 'Public administration and services' },
};

/** A program category code's label at any level (21–39, 41–59, 61–79), or undefined for a code outside the catalogue. */
export function programCategoryLabel(code: string): Label | undefined {
  if (!/^\d{2}$/.test(code)) return undefined;
  const n = Number(code);
  const higher = n >= 21 && n <= 39 ? n + 20 : n >= 61 && n <= 79 ? n - 20 : n;
  return PROGRAM_CATEGORY_LABELS[String(higher)];
}

/**
 * Text as it is compared with a label: full-width forms made ASCII (＋ → +, Ｂ → B), spaces of any kind gone, lower case
 * (English labels and codes). "2+3贯通", "２＋３ 贯通" and "2+3 贯通" are one.
 */
export function labelKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** Each written form of a label: Simplified, Traditional, English, and the aliases. */
export function labelForms(label: Label): string[] {
  return [label.zh, label.zhHant ?? label.zh, label.en, ...(label.aliases ?? [])];
}

/** A lookup from every form of every label of `labels` (and each code itself) to its code. */
export function labelLookup<T extends string>(labels: Labels<T>): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const code of Object.keys(labels) as T[]) {
    map.set(labelKey(code), code);
    for (const form of labelForms(labels[code])) map.set(labelKey(form), code);
  }
  return map;
}

/** "中职 secondary、高职 higher_vocational、…": the choices, for a message. */
export function labelChoices(labels: Labels<string>): string {
  return Object.entries(labels)
    .map(([code, l]) => `${l.zh}（${code}）`)
    .join('、');
}
