import 'reflect-metadata';
import { Type, plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  validate,
  ValidatorOptions,
} from 'class-validator';
import { useLibraryFastPaths } from '@chanjiao/testing';
import { IsCalendarDate, IsEntityId, IsRegionCode, IsYear } from '../validators';
import { certainlyValid, classValidatorFastPath } from './class-validator-internals';

const OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

// Every kind of rule the DTOs of the services use.
class Item {
  @IsEntityId()
  id!: string;

  @IsOptional()
  @IsString()
  @Length(1, 20)
  note?: string;

  @IsIn(['open', 'closed'])
  status!: string;

  @IsCalendarDate()
  since!: string;

  @IsYear()
  year!: number;

  @IsOptional()
  @IsRegionCode()
  region?: string;

  @IsOptional()
  @IsBoolean()
  flag?: boolean;

  @IsInt()
  @Min(0)
  @Max(1000)
  count!: number;

  @IsOptional()
  @Matches(/^\d{2}$/)
  code?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsString({ each: true })
  @Length(1, 5, { each: true })
  tags!: string[];

  @ValidateIf((o: Item) => o.status === 'closed')
  @IsCalendarDate()
  closedOn?: string;

  @IsOptional()
  @ValidateBy({ name: 'isEven', validator: { validate: (v: unknown) => typeof v === 'number' && v % 2 === 0 } })
  even?: number;
}

class Wrapper {
  @ValidateNested()
  @Type(() => Item)
  item!: Item;
}

const base = {
  id: 'S-1',
  note: 'hello',
  status: 'open',
  since: '2022-09-01',
  year: 2022,
  region: '652801',
  flag: true,
  count: 3,
  code: '46',
  tags: ['a', 'bc'],
  even: 4,
};

const samples: unknown[] = [
  null,
  undefined,
  '',
  'x',
  'closed',
  '2022-02-30',
  '2023-01-31',
  0,
  -1,
  1.5,
  2022,
  1001,
  true,
  [],
  ['a'],
  ['toolong'],
  [1],
  {},
  'a'.repeat(300),
];

/** The base, each field removed, each field set to each sample value, and an unknown field added. */
function variants(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [{ ...base }, { ...base, status: 'closed', closedOn: '2023-01-31' }, { ...base, extra: 1 }];
  for (const key of [...Object.keys(base), 'closedOn']) {
    const { [key]: _removed, ...rest } = base as Record<string, unknown>;
    out.push(rest);
    for (const value of samples) {
      out.push({ ...base, [key]: value });
      out.push({ ...base, status: 'closed', closedOn: '2023-01-31', [key]: value });
    }
  }
  return out;
}

describe('certainlyValid', () => {
  it('agrees with class-validator on every variant: valid exactly when class-validator finds no error', async () => {
    let valid = 0;
    for (const plain of variants()) {
      const item = plainToInstance(Item, plain);
      const errors = await validate(item, OPTIONS);
      expect({ plain, valid: certainlyValid(item, OPTIONS) }).toEqual({ plain, valid: errors.length === 0 });
      if (errors.length === 0) valid++;
    }
    // The fuzzing reaches both answers, many times.
    expect(valid).toBeGreaterThan(20);
  });

  it('leaves what it does not compile to class-validator: nested objects, unknown classes, other options', async () => {
    const wrapper = plainToInstance(Wrapper, { item: base });
    expect(await validate(wrapper, OPTIONS)).toEqual([]);
    expect(certainlyValid(wrapper, OPTIONS)).toBe(false);
    expect(certainlyValid({ id: 'S-1' }, OPTIONS)).toBe(false);
    const item = plainToInstance(Item, base);
    expect(certainlyValid(item, OPTIONS)).toBe(true);
    expect(certainlyValid(item, { ...OPTIONS, whitelist: false })).toBe(false);
    expect(certainlyValid(item, { ...OPTIONS, groups: ['x'] })).toBe(false);
  });

  it('answers nothing on the public path (CHANJIAO_LIBRARY_FAST_PATHS=off): class-validator checks everything', () => {
    const item = plainToInstance(Item, base);
    try {
      useLibraryFastPaths('off');
      expect(classValidatorFastPath.on).toBe(false);
      expect(certainlyValid(item, OPTIONS)).toBe(false);
    } finally {
      useLibraryFastPaths('on');
    }
    expect(certainlyValid(item, OPTIONS)).toBe(true);
  });
});
