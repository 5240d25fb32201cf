import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, isCreditCode } from './credit-code';

const withCheck = (first17: string) => first17 + creditCodeCheckChar(first17)!;

describe('unified social credit code checksum (GB 32100-2015)', () => {
  it('accepts codes whose check character is right', () => {
    // Published codes of real organisations (check characters computed independently).
    expect(isCreditCode('91350100M000100Y43')).toBe(true);
    expect(isCreditCode('91110000600037341L')).toBe(true);
    expect(isCreditCode(withCheck('91652800MA77ABCD1'))).toBe(true);
  });

  it('computes the check character: 31 - (weighted sum mod 31), 31 becoming 0', () => {
    // All zeros: sum 0 → 31 - 0 = 31 → "0".
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
    // A single 1 in the first place: weight 1 → 31 - 1 = 30 → "Y" (the last character).
    expect(creditCodeCheckChar('10000000000000000')).toBe('Y');
    // A 1 in the second place: weight 3 → 28 → "U".
    expect(creditCodeCheckChar('01000000000000000')).toBe(CREDIT_CODE_ALPHABET[28]);
  });

  it('refuses a wrong check character, letters outside the alphabet, wrong lengths and lower case', () => {
    const good = withCheck('91652800MA77ABCD1');
    const wrong = good.slice(0, 17) + CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(good[17]!) + 1) % 31];
    expect(isCreditCode(wrong)).toBe(false);
    expect(isCreditCode('91652800MA77ABCDI' + '0')).toBe(false); // I is not in the alphabet
    expect(isCreditCode(good.slice(0, 17))).toBe(false);
    expect(isCreditCode(good + '0')).toBe(false);
    expect(isCreditCode(good.toLowerCase())).toBe(false);
    expect(creditCodeCheckChar('91652800MA77ABCDO')).toBeNull();
  });

  it('every single-character change of a valid code is caught', () => {
    const good = withCheck('91652800MA77XY3K2');
    for (let i = 0; i < 18; i++) {
      for (const c of CREDIT_CODE_ALPHABET) {
        if (c === good[i]) continue;
        expect(isCreditCode(good.slice(0, i) + c + good.slice(i + 1))).toBe(false);
      }
    }
  });
});
