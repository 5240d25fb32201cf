import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Matches, Max, Min, ValidateBy, ValidationOptions } from 'class-validator';
import { ID_PATTERN, isCalendarDate, MAX_YEAR, MIN_YEAR, REGION_PATTERN } from '@chanjiao/contracts';

/** A real calendar day written YYYY-MM-DD (2023-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && isCalendarDate(v),
        defaultMessage: (a) => `${a?.property} must be a calendar date YYYY-MM-DD`,
      },
    },
    options,
  );
}

export const IsEntityId = () =>
  applyDecorators(
    IsString(),
    Matches(ID_PATTERN, { message: ({ property }) => `${property} must be 1-64 letters, digits, ".", "_", ":" or "-"` }),
  );

export const IsRegionCode = () =>
  applyDecorators(
    IsString(),
    Matches(REGION_PATTERN, { message: ({ property }) => `${property} must be a six-digit GB/T 2260 region code` }),
  );

export const IsYear = () => applyDecorators(IsInt(), Min(MIN_YEAR), Max(MAX_YEAR));

/**
 * A query parameter of digits as a number; anything else is left as given, for `@IsInt` to refuse with its message.
 * `Number()` alone took `0x7E6` and `2.022e3` as 2022 and an empty value as 0.
 */
export const QueryInteger = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value));

/** Free text of 1 to `max` characters with something besides spaces in it: a name of `"   "` names nothing. */
export const IsText = (max: number, options?: ValidationOptions) =>
  applyDecorators(Length(1, max, options), Matches(/\S/, Object.assign({}, options, { message: '$property must not be blank' })));
