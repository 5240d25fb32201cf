/** "1234.5" → 123450 (exact: the amount pattern keeps cents below 2^53). */
export function toCents(amount: string): number {
  const [whole, fraction = ''] = amount.split('.');
  return Number(BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0')));
}

/** 123450 → "1234.50". */
export function formatCents(cents: bigint | number): string {
  const c = BigInt(cents);
  const sign = c < 0n ? '-' : '';
  const abs = c < 0n ? -c : c;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Canonical form with two fraction digits, as stored and published. */
export const normalizeAmount = (amount: string): string => formatCents(toCents(amount));
