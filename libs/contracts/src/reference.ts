import type { Labels } from './labels';

/**
 * Reference data shared by every service's API and events (DESIGN.md §3).
 * The enum values are part of the public contract: never rename, only add.
 */
export const KEY_SECTORS = [
  'chemical_materials',
  'textiles',
  'mining',
  'modern_agriculture',
  'culture_tourism',
  'commerce_logistics',
  'green_energy',
] as const;
export const SECTORS = [...KEY_SECTORS, 'other'] as const;
export type Sector = (typeof SECTORS)[number];

/** What users read for each sector: Chinese (Simplified) first, English beside (DESIGN.md §3; labels.ts). */
export const SECTOR_LABELS: Labels<Sector> = {
  chemical_materials: { zh: '化工材料', en: 'Chemical materials' },
  textiles: { zh: '纺织面料', zhHant: '紡織面料', en: 'Textiles', aliases: ['纺织服装', '紡織服裝'] },
  mining: { zh: '矿业开发', zhHant: '礦業開發', en: 'Mining' },
  modern_agriculture: { zh: '现代农业', zhHant: '現代農業', en: 'Modern agriculture' },
  culture_tourism: { zh: '文化旅游', zhHant: '文化旅遊', en: 'Culture and tourism' },
  commerce_logistics: { zh: '商贸物流', zhHant: '商貿物流', en: 'Commerce and logistics' },
  green_energy: { zh: '绿色能源', zhHant: '綠色能源', en: 'Green energy' },
  other: { zh: '其他', en: 'Other' },
};

export const PROGRAM_LEVELS = ['secondary', 'higher_vocational', 'undergraduate'] as const;
export type ProgramLevel = (typeof PROGRAM_LEVELS)[number];

export const PROGRAM_STATUSES = ['open', 'suspended'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];

export const PATHWAYS = ['regular', 'secondary_higher_3_2', 'higher_undergraduate_3_2', 'through_2_3', 'expanded'] as const;
export type Pathway = (typeof PATHWAYS)[number];

/** Six-digit GB/T 2260 administrative division code. */
export const REGION_PATTERN = /^\d{6}$/;
/** ISO calendar date; validity of the day is checked by {@link isCalendarDate}. */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** CNY amount as a decimal string, at most two fraction digits, never a float. */
export const MONEY_PATTERN = /^(0|[1-9]\d{0,15})(\.\d{1,2})?$/;
/** Identifiers chosen by department systems: printable, no spaces, no slashes. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** Institution codes as issued with API keys. */
export const INSTITUTION_PATTERN = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;
/** In a report's `institution`: every institution the key may read (no code can be lowercase). */
export const EVERY_INSTITUTION = 'all';
/** The most institutions a report's `institution=A,B,…` may name. */
export const MAX_NAMED_INSTITUTIONS = 200;

/**
 * A report's `institution`: one code, several comma-separated (`A,B`, repeats dropped, in the order named), or `all`;
 * or why not, to answer 400 naming `institution`.
 */
export function parseInstitutionList(text: string): { institutions: string[] | typeof EVERY_INSTITUTION } | { invalid: string } {
  if (text === EVERY_INSTITUTION) return { institutions: EVERY_INSTITUTION };
  const items = text.split(',').map((c) => c.trim());
  if (items.some((c) => c === ''))
    return { invalid: 'institution 含空项 / institution has an empty item: name codes separated by commas, such as BZVTC,KSVTC, or all' };
  const bad = items.find((c) => !INSTITUTION_PATTERN.test(c));
  if (bad !== undefined)
    return {
      invalid: `institution 中 "${bad.slice(0, 40)}" 不是院校代码 / "${bad.slice(0, 40)}" is not an institution code such as BZVTC`,
    };
  const institutions = [...new Set(items)];
  if (institutions.length > MAX_NAMED_INSTITUTIONS)
    return {
      invalid: `institution 最多列出 ${MAX_NAMED_INSTITUTIONS} 个机构 / institution names at most ${MAX_NAMED_INSTITUTIONS} institutions (or all)`,
    };
  return { institutions };
}

export function isCalendarDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const MIN_YEAR = 1990;
export const MAX_YEAR = 2100;

/** Default "local" region prefix: 6528, Bayingolin Mongol Autonomous Prefecture. */
export const DEFAULT_LOCAL_REGION_PREFIX = '6528';

/** Partnership reference data (DESIGN.md §4 "partnership"). */
export const PARTNER_KINDS = ['enterprise', 'government', 'university', 'secondary_school', 'association', 'other'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

/** 产教融合型企业 level of a partner. */
export const IEI_LEVELS = ['none', 'provincial', 'national'] as const;
export type IeiLevel = (typeof IEI_LEVELS)[number];

export const AGREEMENT_KINDS = ['school_enterprise', 'government_school', 'university', 'secondary_vocational'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

export const COOPERATION_FORMS = [
  'order_class',
  'apprenticeship',
  'industry_college',
  'training_base',
  'internship_base',
  'certificate_pilot',
  'joint_research',
] as const;
export type CooperationForm = (typeof COOPERATION_FORMS)[number];

export const INVESTMENT_SOURCES = ['central_government', 'regional_government', 'school', 'enterprise', 'other'] as const;
export type InvestmentSource = (typeof INVESTMENT_SOURCES)[number];
