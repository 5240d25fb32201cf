import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, ValidateBy, ValidationOptions } from 'class-validator';
import { isCreditCode } from '@chanjiao/contracts';

/** An 18-character unified social credit code whose GB 32100-2015 check character is right. */
export function IsCreditCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCreditCode',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && isCreditCode(v),
        defaultMessage: (a) =>
          `${a?.property} must be an 18-character unified social credit code (GB 32100-2015) with a valid check character`,
      },
    },
    options,
  );
}

/** CNY as a decimal string, at most two fraction digits and 13 integer digits (exact in cents). */
export const IsMoney = () =>
  applyDecorators(
    IsString(),
    Matches(/^(0|[1-9]\d{0,12})(\.\d{1,2})?$/, {
      message: ({ property }) => `${property} must be an amount in CNY as a decimal string such as "403000000.00" (at most 2 decimals)`,
    }),
  );

/** "12.5" → "12.50": the one spelling of an amount kept and published. */
export function normalizeMoney(amount: string): string {
  const [whole, frac = ''] = amount.split('.');
  return `${whole}.${frac.padEnd(2, '0')}`;
}
