import type { Label } from '../../../../../libs/contracts/src/labels';

export type Lang = 'zh' | 'en';

/** Every text of the page, Chinese first (the default) and English beside; enum values use the tables of contracts. */
export const TEXT = {
  title: { zh: '产教融合看板', en: 'Industry–education dashboard' },
  signIn: { zh: '登录', en: 'Sign in' },
  key: { zh: '读取密钥', en: 'Reader key' },
  institutionField: { zh: '院校（可选）', en: 'Institution (optional)' },
  institutionHint: { zh: '留空为密钥所属院校；教育局密钥填 all 或 A,B', en: "Empty: the key's own; a bureau key: all or A,B" },
  keyHint: { zh: '密钥只保存在本标签页中，关闭后即清除。', en: 'The key is kept in this tab only, until it is closed.' },
  signInButton: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出', en: 'Sign out' },
  year: { zh: '年度', en: 'Year' },
  asOf: { zh: '截至日期', en: 'As of' },
  institutions: { zh: '院校', en: 'Institutions' },
  all: { zh: '全部', en: 'All' },
  downloadCsv: { zh: '下载年报表 CSV', en: 'Annual report tables (CSV)' },
  downloadXlsx: { zh: '下载年报表 Excel', en: 'Annual report tables (Excel)' },
  headline: { zh: '主要指标', en: 'Headline figures' },
  close: { zh: '关闭', en: 'Close' },
  more: { zh: '更多', en: 'More' },
  colInstitution: { zh: '院校', en: 'Institution' },
  colKind: { zh: '类别', en: 'Kind' },
  colId: { zh: '编号', en: 'Id' },
  colValue: { zh: '计入', en: 'Adds' },
  colEvents: { zh: '事件', en: 'Events' },
  stampData: { zh: '数据截至', en: 'Data as of' },
  stampNone: { zh: '尚无数据', en: 'No data yet' },
  stampFigures: { zh: '统计日期', en: 'Figures at' },
  live: { zh: '实时', en: 'live' },
  offline: { zh: '未连接实时更新', en: 'live updates disconnected' },
  explainSummary: {
    zh: '指标 {figure}，由 {count} 条记录构成（合计 {total}）',
    en: 'Figure {figure}, made of {count} records (total {total})',
  },
  noInstitution: { zh: '请至少选择一个院校', en: 'Choose at least one institution' },
  // Cards
  intake: { zh: '招生人数', en: 'Intake' },
  graduates: { zh: '毕业生人数', en: 'Graduates' },
  placement: { zh: '毕业去向落实率', en: 'Placement rate' },
  localEmployed: { zh: '本地就业人数', en: 'Employed locally' },
  interns: { zh: '实习学生', en: 'Interns' },
  localInterns: { zh: '本地实习学生', en: 'Local interns' },
  enterprises: { zh: '合作企业', en: 'Partner enterprises' },
  signed: { zh: '本年签订协议', en: 'Agreements signed this year' },
  pilots: { zh: '1+X 证书试点', en: '1+X certificate pilots' },
  orderClass: { zh: '订单班学生', en: 'Order-class students' },
  investment: { zh: '实训基地投入', en: 'Training-base investment' },
  alliancesLed: { zh: '牵头职教集团（联盟）', en: 'Alliances led' },
  subThrough23: { zh: '2+3 贯通', en: '2+3 through' },
  subCohort: { zh: '毕业届别', en: 'class of' },
  subGovernment: { zh: '政校', en: 'government' },
  subUniversity: { zh: '校校', en: 'university' },
  subAlliances: { zh: '参与', en: 'member of' },
  subPilotPartners: { zh: '合作企业', en: 'partners' },
  subOrderPrograms: { zh: '专业', en: 'programs' },
  subLocalShare: { zh: '占实习学生', en: 'of interns' },
  subLocalEmployedShare: { zh: '占毕业生', en: 'of graduates' },
  yuan: { zh: '元', en: 'CNY' },
  // Charts
  chartIntakeCategory: { zh: '招生：按专业大类', en: 'Intake by program category' },
  chartIntakeSector: { zh: '招生：按重点产业', en: 'Intake by key sector' },
  chartPlacement: { zh: '毕业去向', en: 'Graduate destinations' },
  chartPlacementTrend: { zh: '毕业去向落实率：按月', en: 'Placement rate by month' },
  chartAgreements: { zh: '合作协议：按类型与年度', en: 'Agreements by kind and year' },
  chartAllianceRoles: { zh: '集团（联盟）成员：按角色', en: 'Alliance members by role' },
  chartAlignment: { zh: '专业与产业对接', en: 'Program–industry alignment' },
  seriesPrograms: { zh: '专业数', en: 'Programs' },
  seriesIntake: { zh: '招生', en: 'Intake' },
  seriesGraduates: { zh: '毕业生', en: 'Graduates' },
  seriesLocalEmployed: { zh: '本地就业', en: 'Employed locally' },
  seriesRate: { zh: '落实率', en: 'Placement rate' },
  unknown: { zh: '未知', en: 'Unknown' },
  none: { zh: '未填写', en: 'Not given' },
  unrecorded: { zh: '尚无去向', en: 'No destination yet' },
} satisfies Record<string, Label>;

export type TextKey = keyof typeof TEXT;

export function t(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return TEXT[key][lang].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

/** A label of an enum table, or the value itself when the table does not know it. */
export function labelOf(table: Readonly<Record<string, Label>>, value: string, lang: Lang): string {
  return Object.hasOwn(table, value) ? table[value]![lang] : value;
}

/** Sets every `data-i18n` text (and `data-i18n-placeholder`) of the document in the language. */
export function applyLanguage(lang: Lang): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${TEXT.title[lang]}`;
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(lang, el.dataset.i18n as TextKey);
  for (const el of document.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]'))
    el.placeholder = t(lang, el.dataset.i18nPlaceholder as TextKey);
}

export function formatCount(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');
}

export function formatRate(rate: number, lang: Lang): string {
  return `${(rate * 100).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;
}

/**
 * CNY from the API's decimal string, as people read such sums: 万元 in Chinese, millions in English (the exact amount
 * is the explanation's and the downloads'). Rounded to two decimals of the unit, so a float's precision is ample.
 */
export function formatMoney(decimal: string, lang: Lang): string {
  const yuan = Number(decimal);
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  const digits = { maximumFractionDigits: 2 };
  if (lang === 'zh')
    return yuan >= 10_000 ? `${(yuan / 10_000).toLocaleString(locale, digits)} 万元` : `${yuan.toLocaleString(locale, digits)} 元`;
  return yuan >= 1_000_000 ? `CNY ${(yuan / 1_000_000).toLocaleString(locale, digits)} M` : `CNY ${yuan.toLocaleString(locale, digits)}`;
}

export function formatTime(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
