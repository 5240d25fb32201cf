import { localDate, todayIn } from './local-date';

describe('todayIn', () => {
  it('gives the date where the college is, changing at its midnight', () => {
    // 2022-08-31T15:59:59Z is 23:59:59 in Shanghai (UTC+8); a second later it is 1 September there.
    const before = Date.parse('2022-08-31T15:59:59.500Z');
    expect(todayIn('Asia/Shanghai', before)).toBe('2022-08-31');
    expect(todayIn('Asia/Shanghai', before + 500)).toBe('2022-09-01');
    expect(todayIn('UTC', before + 500)).toBe('2022-08-31');
  });

  it('answers as localDate does, within the same second too', () => {
    const t = Date.parse('2023-01-01T12:00:00.100Z');
    for (const offset of [0, 300, 899, 1000]) {
      expect(todayIn('Asia/Shanghai', t + offset)).toBe(localDate('Asia/Shanghai', new Date(t + offset)));
    }
  });
});
