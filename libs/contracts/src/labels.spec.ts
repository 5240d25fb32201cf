import { AGREEMENT_KINDS, ALLIANCE_ROLES, DESTINATION_CATEGORIES, PROGRAM_LEVELS } from './index';
import {
  AGREEMENT_KIND_LABELS,
  ALLIANCE_ROLE_LABELS,
  DESTINATION_CATEGORY_LABELS,
  PROGRAM_LEVEL_LABELS,
  programCategoryLabel,
} from './labels';

describe('label tables: Chinese and English for every value of their enum', () => {
  it.each([
    ['program levels', PROGRAM_LEVELS, PROGRAM_LEVEL_LABELS],
    ['destination categories', DESTINATION_CATEGORIES, DESTINATION_CATEGORY_LABELS],
    ['agreement kinds', AGREEMENT_KINDS, AGREEMENT_KIND_LABELS],
    ['alliance roles', ALLIANCE_ROLES, ALLIANCE_ROLE_LABELS],
  ] as const)('%s', (_name, values, labels) => {
    expect(Object.keys(labels).sort()).toEqual([...values].sort());
    for (const label of Object.values(labels))
      expect(label).toEqual({ zh: expect.stringMatching(/\p{Script=Han}/u), en: expect.any(String) });
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
