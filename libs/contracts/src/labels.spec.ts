import { ENUM_LABELS, labelForms, labelKey, labelLookup, PATHWAY_LABELS, PROGRAM_LEVEL_LABELS } from './labels';

describe('enum label tables', () => {
  it.each(ENUM_LABELS.map(([values, labels]) => [values.join(','), values, labels] as const))(
    'labels every value of %s, each form meaning one value only',
    (_name, values, labels) => {
      expect(Object.keys(labels).sort()).toEqual([...values].sort());
      const seen = new Map<string, string>();
      for (const [code, label] of Object.entries(labels)) {
        expect(label.zh).toMatch(/\p{Script=Han}/u);
        for (const form of [code, ...labelForms(label)]) {
          const key = labelKey(form);
          // A form shared by two values could not be read back.
          if (seen.has(key)) expect(seen.get(key)).toBe(code);
          seen.set(key, code);
        }
      }
    },
  );

  it('reads Simplified, Traditional, English, codes, and full-width or spaced forms', () => {
    const levels = labelLookup(PROGRAM_LEVEL_LABELS);
    expect(levels.get(labelKey('高职'))).toBe('higher_vocational');
    expect(levels.get(labelKey('高職'))).toBe('higher_vocational');
    expect(levels.get(labelKey('Higher Vocational'))).toBe('higher_vocational');
    expect(levels.get(labelKey('higher_vocational'))).toBe('higher_vocational');
    expect(levels.get(labelKey('博士'))).toBeUndefined();
    const pathways = labelLookup(PATHWAY_LABELS);
    expect(pathways.get(labelKey('2+3贯通'))).toBe('through_2_3');
    expect(pathways.get(labelKey('２＋３ 貫通'))).toBe('through_2_3');
  });
});
