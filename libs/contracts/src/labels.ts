import {
  ACTIVITY_KINDS,
  ALLIANCE_MEMBER_KINDS,
  ALLIANCE_ROLES,
  ALLIANCE_SCOPES,
  type ActivityKind,
  type AllianceMemberKind,
  type AllianceRole,
  type AllianceScope,
  CONTRIBUTION_KINDS,
  type ContributionKind,
} from './events/alliance.events';
import {
  DESTINATION_CATEGORIES,
  DESTINATION_DETAILS,
  type DestinationCategory,
  type DestinationDetail,
  INTERNSHIP_KINDS,
  type InternshipKind,
} from './events/placement.events';
import {
  AGREEMENT_KINDS,
  type AgreementKind,
  COOPERATION_FORMS,
  type CooperationForm,
  IEI_LEVELS,
  type IeiLevel,
  INVESTMENT_SOURCES,
  type InvestmentSource,
  type Label,
  type Labels,
  PARTNER_KINDS,
  type PartnerKind,
  PATHWAYS,
  type Pathway,
  PROGRAM_LEVELS,
  PROGRAM_STATUSES,
  type ProgramLevel,
  type ProgramStatus,
  SECTOR_LABELS,
  SECTORS,
} from './reference';

/*
 * The labels of every enum of the public contract (reference.ts, events/*), one table each, as college offices name
 * the values (the 教育部 graduate-destination and 职业教育 statistics terms where there is one). SECTOR_LABELS is in
 * reference.ts beside its enum.
 */

export const PROGRAM_LEVEL_LABELS: Labels<ProgramLevel> = {
  secondary: { zh: '中职', zhHant: '中職', en: 'Secondary vocational', aliases: ['中专', '中專', '中等职业教育', '中等職業教育'] },
  higher_vocational: {
    zh: '高职',
    zhHant: '高職',
    en: 'Higher vocational',
    aliases: ['高职专科', '高職專科', '专科', '專科', '大专', '大專'],
  },
  undergraduate: { zh: '本科', en: 'Undergraduate', aliases: ['职业本科', '職業本科'] },
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
  university: { zh: '与高校合作', zhHant: '與高校合作', en: 'With a university', aliases: ['校校合作'] },
  secondary_vocational: {
    zh: '中高职衔接',
    zhHant: '中高職銜接',
    en: 'With a secondary vocational school',
    aliases: ['与中职学校合作', '與中職學校合作'],
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
  council: { zh: '理事单位', zhHant: '理事單位', en: 'Council', aliases: ['理事'] },
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
  contract: { zh: '合同就业', zhHant: '合同就業', en: 'Contract employment', aliases: ['协议和合同就业', '協議和合同就業'] },
  flexible: { zh: '灵活就业', zhHant: '靈活就業', en: 'Flexible employment' },
  entrepreneurship: { zh: '自主创业', zhHant: '自主創業', en: 'Entrepreneurship', aliases: ['创业', '創業'] },
  further_study: { zh: '升学', zhHant: '升學', en: 'Further study' },
  not_placed: { zh: '未就业', zhHant: '未就業', en: 'Not placed' },
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
  not_seeking: { zh: '暂不就业', zhHant: '暫不就業', en: 'Not seeking work', aliases: ['不就业拟升学', '不就業擬升學'] },
};

/** Every table, by the enum's values, for tests and for finding an enum's labels from its values. */
export const ENUM_LABELS = [
  [SECTORS, SECTOR_LABELS],
  [PROGRAM_LEVELS, PROGRAM_LEVEL_LABELS],
  [PROGRAM_STATUSES, PROGRAM_STATUS_LABELS],
  [PATHWAYS, PATHWAY_LABELS],
  [PARTNER_KINDS, PARTNER_KIND_LABELS],
  [IEI_LEVELS, IEI_LEVEL_LABELS],
  [AGREEMENT_KINDS, AGREEMENT_KIND_LABELS],
  [COOPERATION_FORMS, COOPERATION_FORM_LABELS],
  [INVESTMENT_SOURCES, INVESTMENT_SOURCE_LABELS],
  [ALLIANCE_SCOPES, ALLIANCE_SCOPE_LABELS],
  [ALLIANCE_ROLES, ALLIANCE_ROLE_LABELS],
  [ALLIANCE_MEMBER_KINDS, ALLIANCE_MEMBER_KIND_LABELS],
  [CONTRIBUTION_KINDS, CONTRIBUTION_KIND_LABELS],
  [ACTIVITY_KINDS, ACTIVITY_KIND_LABELS],
  [INTERNSHIP_KINDS, INTERNSHIP_KIND_LABELS],
  [DESTINATION_CATEGORIES, DESTINATION_CATEGORY_LABELS],
  [DESTINATION_DETAILS, DESTINATION_DETAIL_LABELS],
] as const satisfies ReadonlyArray<readonly [readonly string[], Labels<string>]>;

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
