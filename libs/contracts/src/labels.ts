/**
 * What users read for the enums of the contract: Chinese (Simplified) first, English beside (DESIGN.md §3), one table
 * per enum (SECTOR_LABELS, with the sectors, is in reference.ts). Type-only imports: the dashboard's browser bundle
 * includes this file and must not pull in the event schemas.
 */
import type { AgreementKind, ProgramLevel } from './reference';
import type { AllianceRole } from './events/alliance.events';
import type { DestinationCategory } from './events/placement.events';

export interface Label {
  zh: string;
  en: string;
}

export const PROGRAM_LEVEL_LABELS: Readonly<Record<ProgramLevel, Label>> = {
  secondary: { zh: '中职', en: 'Secondary vocational' },
  higher_vocational: { zh: '高职专科', en: 'Higher vocational' },
  undergraduate: { zh: '职业本科', en: 'Vocational undergraduate' },
};

export const DESTINATION_CATEGORY_LABELS: Readonly<Record<DestinationCategory, Label>> = {
  contract: { zh: '协议和合同就业', en: 'Contract employment' },
  flexible: { zh: '灵活就业', en: 'Flexible employment' },
  entrepreneurship: { zh: '自主创业', en: 'Entrepreneurship' },
  further_study: { zh: '升学', en: 'Further study' },
  not_placed: { zh: '暂不就业', en: 'Not placed' },
};

export const AGREEMENT_KIND_LABELS: Readonly<Record<AgreementKind, Label>> = {
  school_enterprise: { zh: '校企合作', en: 'School–enterprise' },
  government_school: { zh: '政校合作', en: 'Government–school' },
  university: { zh: '校校合作（高校）', en: 'University' },
  secondary_vocational: { zh: '中高职合作', en: 'Secondary vocational' },
};

export const ALLIANCE_ROLE_LABELS: Readonly<Record<AllianceRole, Label>> = {
  chair: { zh: '理事长单位', en: 'Chair' },
  vice_chair: { zh: '副理事长单位', en: 'Vice chair' },
  secretary_general: { zh: '秘书长单位', en: 'Secretary general' },
  council: { zh: '理事单位', en: 'Council member' },
  member: { zh: '成员单位', en: 'Member' },
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
