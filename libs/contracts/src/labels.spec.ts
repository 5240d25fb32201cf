import {
  ACTIVITY_KINDS,
  AGREEMENT_KINDS,
  ALLIANCE_MEMBER_KINDS,
  ALLIANCE_ROLES,
  ALLIANCE_SCOPES,
  CONTRIBUTION_KINDS,
  COOPERATION_FORMS,
  DESTINATION_CATEGORIES,
  DESTINATION_DETAILS,
  IEI_LEVELS,
  INTERNSHIP_KINDS,
  INVESTMENT_SOURCES,
  PARTNER_KINDS,
  PATHWAYS,
  PROGRAM_LEVELS,
  PROGRAM_STATUSES,
  SECTOR_LABELS,
  SECTORS,
} from './index';
import {
  ACTIVITY_KIND_LABELS,
  AGREEMENT_KIND_LABELS,
  ALLIANCE_MEMBER_KIND_LABELS,
  ALLIANCE_ROLE_LABELS,
  ALLIANCE_SCOPE_LABELS,
  CONTRIBUTION_KIND_LABELS,
  COOPERATION_FORM_LABELS,
  DESTINATION_CATEGORY_LABELS,
  DESTINATION_DETAIL_LABELS,
  IEI_LEVEL_LABELS,
  INTERNSHIP_KIND_LABELS,
  INVESTMENT_SOURCE_LABELS,
  labelForms,
  labelKey,
  labelLookup,
  type Labels,
  PARTNER_KIND_LABELS,
  PATHWAY_LABELS,
  PROGRAM_LEVEL_LABELS,
  PROGRAM_STATUS_LABELS,
  programCategoryLabel,
} from './labels';

/** Every enum of the contract with its table. */
const TABLES: Array<[string, readonly string[], Labels<string>]> = [
  ['sectors', SECTORS, SECTOR_LABELS],
  ['program levels', PROGRAM_LEVELS, PROGRAM_LEVEL_LABELS],
  ['program statuses', PROGRAM_STATUSES, PROGRAM_STATUS_LABELS],
  ['pathways', PATHWAYS, PATHWAY_LABELS],
  ['partner kinds', PARTNER_KINDS, PARTNER_KIND_LABELS],
  ['IEI levels', IEI_LEVELS, IEI_LEVEL_LABELS],
  ['agreement kinds', AGREEMENT_KINDS, AGREEMENT_KIND_LABELS],
  ['cooperation forms', COOPERATION_FORMS, COOPERATION_FORM_LABELS],
  ['investment sources', INVESTMENT_SOURCES, INVESTMENT_SOURCE_LABELS],
  ['alliance scopes', ALLIANCE_SCOPES, ALLIANCE_SCOPE_LABELS],
  ['alliance roles', ALLIANCE_ROLES, ALLIANCE_ROLE_LABELS],
  ['alliance member kinds', ALLIANCE_MEMBER_KINDS, ALLIANCE_MEMBER_KIND_LABELS],
  ['contribution kinds', CONTRIBUTION_KINDS, CONTRIBUTION_KIND_LABELS],
  ['activity kinds', ACTIVITY_KINDS, ACTIVITY_KIND_LABELS],
  ['internship kinds', INTERNSHIP_KINDS, INTERNSHIP_KIND_LABELS],
  ['destination categories', DESTINATION_CATEGORIES, DESTINATION_CATEGORY_LABELS],
  ['destination details', DESTINATION_DETAILS, DESTINATION_DETAIL_LABELS],
];

describe('label tables: Chinese and English for every value of their enum', () => {
  it.each(TABLES)('%s: every value labelled, each written form meaning one value only', (_name, values, labels) => {
    expect(Object.keys(labels).sort()).toEqual([...values].sort());
    const seen = new Map<string, string>();
    for (const [code, label] of Object.entries(labels)) {
      expect(label).toMatchObject({ zh: expect.stringMatching(/\p{Script=Han}/u), en: expect.any(String) });
      for (const form of [code, ...labelForms(label)]) {
        const key = labelKey(form);
        // A form shared by two values could not be read back.
        if (seen.has(key)) expect(seen.get(key)).toBe(code);
        seen.set(key, code);
      }
    }
  });

  it('reads Simplified, Traditional, English, codes, and full-width or spaced forms', () => {
    const levels = labelLookup(PROGRAM_LEVEL_LABELS);
    expect(levels.get(labelKey('高职'))).toBe('higher_vocational');
    expect(levels.get(labelKey('高職'))).toBe('higher_vocational');
    expect(levels.get(labelKey('高职专科'))).toBe('higher_vocational');
    expect(levels.get(labelKey('Higher Vocational'))).toBe('higher_vocational');
    expect(levels.get(labelKey('higher_vocational'))).toBe('higher_vocational');
    expect(levels.get(labelKey('博士'))).toBeUndefined();
    const pathways = labelLookup(PATHWAY_LABELS);
    expect(pathways.get(labelKey('2+3贯通'))).toBe('through_2_3');
    expect(pathways.get(labelKey('２＋３ 貫通'))).toBe('through_2_3');
    const categories = labelLookup(DESTINATION_CATEGORY_LABELS);
    expect(['合同就业', '灵活就业', '升学', '升學'].map((t) => categories.get(labelKey(t)))).toEqual([
      'contract',
      'flexible',
      'further_study',
      'further_study',
    ]);
  });

  it('names a program category at every level of the catalogue, and no code outside it', () => {
    expect(programCategoryLabel('46')?.zh).toBe('装备制造大类');
    expect(programCategoryLabel('66')).toEqual(programCategoryLabel('46'));
    expect(programCategoryLabel('26')).toEqual(programCategoryLabel('46'));
    expect(programCategoryLabel('71')?.zh).toBe('电子与信息大类');
    expect(programCategoryLabel('60')).toBeUndefined();
    expect(programCategoryLabel('unknown')).toBeUndefined();
  });
});
