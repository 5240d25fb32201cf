import type { ArgumentMetadata } from '@nestjs/common';
import { BadRequestException, PipeTransform, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ID_PATTERN } from '@chanjiao/contracts';
import type { FieldError } from './domain-error';

export const MAX_BATCH_ITEMS = 5000;

/** Flattens class-validator's tree into `[{ field: 'a.b[0].c', message }]`. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      for (const message of Object.values(e.constraints)) out.push({ field, message });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function validationFailed(errors: FieldError[]): BadRequestException {
  const names = [...new Set(errors.map((e) => e.field))];
  return new BadRequestException({
    error: 'validation_failed',
    message: `invalid ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
    errors,
  });
}

const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/** Global pipe: unknown fields are errors (named), types are not coerced in bodies. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}

/**
 * Validates a JSON array body of `itemType` (the `:batch` form): at most {@link MAX_BATCH_ITEMS}
 * items; every bad field of every item is reported as `[index].field`.
 */
export class ParseBatchPipe<T extends object> implements PipeTransform<unknown, Promise<T[]>> {
  constructor(private readonly itemType: Type<T>) {}

  async transform(value: unknown, _meta: ArgumentMetadata): Promise<T[]> {
    if (!Array.isArray(value)) throw validationFailed([{ field: 'body', message: 'body must be a JSON array of items' }]);
    if (value.length === 0) throw validationFailed([{ field: 'body', message: 'body must hold at least one item' }]);
    if (value.length > MAX_BATCH_ITEMS) {
      throw validationFailed([{ field: 'body', message: `a batch holds at most ${MAX_BATCH_ITEMS} items, got ${value.length}` }]);
    }
    const items: T[] = [];
    const errors: FieldError[] = [];
    for (let i = 0; i < value.length; i++) {
      const raw: unknown = value[i];
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        errors.push({ field: `[${i}]`, message: 'each item must be a JSON object' });
        continue;
      }
      const item = plainToInstance(this.itemType, raw);
      const itemErrors = await validate(item, VALIDATOR_OPTIONS);
      errors.push(...flattenValidationErrors(itemErrors, `[${i}]`));
      items.push(item);
    }
    if (errors.length > 0) throw validationFailed(errors);
    return items;
  }
}

/** Path ids: the same rule as ids in bodies, with a 400 naming the parameter. */
export class IdParamPipe implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (!ID_PATTERN.test(value)) {
      throw validationFailed([
        { field: meta.data ?? 'id', message: `${meta.data ?? 'id'} must be 1-64 letters, digits, ".", "_", ":" or "-"` },
      ]);
    }
    return value;
  }
}
