import type { ArgumentMetadata } from '@nestjs/common';
import { BadRequestException, PipeTransform, Type, UnsupportedMediaTypeException, ValidationError, ValidationPipe } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { ValidatorOptions } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ID_PATTERN } from '@chanjiao/contracts';
import type { FieldError } from './error-body';
import { constraintMessageZh } from './error-zh';
import { certainlyValid } from './adapters/class-validator-internals';

export const MAX_BATCH_ITEMS = 5000;

/** Flattens class-validator's tree into `[{ field: 'a.b[0].c', message, message_zh }]`, the Chinese per constraint. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      for (const [constraint, message] of Object.entries(e.constraints)) {
        out.push({ field, message, message_zh: constraintMessageZh(constraint, field, message) });
      }
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function validationFailed(errors: FieldError[]): BadRequestException {
  const names = [...new Set(errors.map((e) => e.field))];
  const list = `${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
  return new BadRequestException({
    error: 'validation_failed',
    message: `invalid ${list}`,
    message_zh: `字段无效：${list}`,
    errors,
  });
}

/** Deeper than any request body of ours nests; class-transformer recurses per level and overflows the stack near 2,000. */
export const MAX_BODY_DEPTH = 32;

/**
 * Refuses a body no JSON route can take, before class-transformer walks it:
 * - a raw stream, which a spreadsheet content type (meant for `POST /imports/{entity}`) gives every route (415);
 *   walking one reaches its socket's native handle, and constructing that aborted the process;
 * - nesting deeper than {@link MAX_BODY_DEPTH} (400 naming where), which overflowed the stack (a 500).
 */
export function checkBodyShape(value: unknown): void {
  if (value instanceof Readable) {
    throw new UnsupportedMediaTypeException({
      error: 'unsupported_media_type',
      message: 'send the body as JSON (Content-Type: application/json); files go to POST /imports/{entity}',
      errors: [{ field: 'body', message: 'body must be JSON', message_zh: '请求体必须是 JSON' }],
    });
  }
  if (value === null || typeof value !== 'object') return;
  // Depth first, without recursion and without building paths: the common body costs a push per object or array.
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) {
      const field = pathTo(value, node, '', 1) ?? 'body';
      throw validationFailed([
        { field, message: `${field} nests deeper than ${MAX_BODY_DEPTH} levels`, message_zh: `${field} 嵌套超过 ${MAX_BODY_DEPTH} 层` },
      ]);
    }
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child as object, depth + 1]);
  }
}

/** The field path (`a.b[0]`) from `root` to `target`, which is MAX_BODY_DEPTH + 1 levels down; only when a body is refused. */
function pathTo(root: object, target: object, path: string, depth: number): string | undefined {
  if (root === target) return path || undefined;
  if (depth > MAX_BODY_DEPTH) return undefined; // no deeper than the target: a body may nest far deeper than a stack
  for (const [key, child] of Object.entries(root)) {
    if (child === null || typeof child !== 'object') continue;
    const found = pathTo(child as object, target, Array.isArray(root) ? `${path}[${key}]` : path ? `${path}.${key}` : key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/** Global pipe: unknown fields are errors (named), types are not coerced in bodies. */
export function createValidationPipe(): ValidationPipe {
  return new GlobalValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}

/** Distinct query strings remembered per pipe; past this the memory starts again. */
const QUERY_CACHE_LIMIT = 1000;

/**
 * The global pipe. Bodies that pass are checked by the compiled check (see certainlyValid).
 *
 * Dashboards ask the same few report queries over and over (`?year=2022`), and transforming and validating a
 * one-field query DTO was 17 % of the reporting service's busy time under read load. A query that passed is
 * remembered by its DTO class and its parameters; a repeat gets a copy of the transformed instance without
 * running class-transformer and class-validator again. Only query parameters (flat strings), only what passed:
 * a bad query is checked, and refused, every time.
 */
export class GlobalValidationPipe extends ValidationPipe {
  private readonly passed = new Map<Type<unknown>, Map<string, object>>();

  /** class-validator runs only for what the compiled check does not pass, and says what is wrong with it. */
  protected override validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> | ValidationError[] {
    return options && certainlyValid(object, options) ? [] : super.validate(object, options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') checkBodyShape(value);
    const metatype = metadata.metatype;
    if (metadata.type !== 'query' || !metatype || !isFlatStrings(value)) return super.transform(value, metadata);
    const key = JSON.stringify(value);
    const known = this.passed.get(metatype)?.get(key);
    if (known) return copyOf(known);
    const result: unknown = await super.transform(value, metadata);
    if (result !== null && typeof result === 'object') {
      let byKey = this.passed.get(metatype);
      if (!byKey || byKey.size >= QUERY_CACHE_LIMIT) this.passed.set(metatype, (byKey = new Map()));
      // A copy: the handler may change the instance it is given.
      byKey.set(key, copyOf(result));
    }
    return result;
  }
}

/**
 * A deep copy of a DTO instance, of its class. A query's fields are usually all primitives: then a shallow copy is one,
 * and skips structuredClone (with the copy, 4 % of the reporting service's busy time under read load).
 */
function copyOf(dto: object): object {
  const prototype = Object.getPrototypeOf(dto) as object;
  for (const value of Object.values(dto)) {
    if (value !== null && typeof value === 'object') return Object.assign(Object.create(prototype) as object, structuredClone({ ...dto }));
  }
  return Object.assign(Object.create(prototype) as object, dto);
}

/** A query object as Fastify parses it when every parameter appears once: string values only. */
function isFlatStrings(value: unknown): value is Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const v of Object.values(value)) if (typeof v !== 'string') return false;
  return true;
}

/**
 * Validates a JSON array body of `itemType` (the `:batch` form): at most {@link MAX_BATCH_ITEMS}
 * items; every bad field of every item is reported as `[index].field`.
 */
export class ParseBatchPipe<T extends object> implements PipeTransform<unknown, Promise<T[]>> {
  constructor(private readonly itemType: Type<T>) {}

  async transform(value: unknown, _meta: ArgumentMetadata): Promise<T[]> {
    // Its shape was checked by the global pipe, which runs first on every body (checkBodyShape).
    if (!Array.isArray(value))
      throw validationFailed([{ field: 'body', message: 'body must be a JSON array of items', message_zh: '请求体必须是 JSON 数组' }]);
    if (value.length === 0)
      throw validationFailed([{ field: 'body', message: 'body must hold at least one item', message_zh: '请求体至少要有一项' }]);
    if (value.length > MAX_BATCH_ITEMS) {
      throw validationFailed([
        {
          field: 'body',
          message: `a batch holds at most ${MAX_BATCH_ITEMS} items, got ${value.length}`,
          message_zh: `一批最多 ${MAX_BATCH_ITEMS} 项，收到 ${value.length} 项`,
        },
      ]);
    }
    const items: T[] = [];
    const errors: FieldError[] = [];
    for (let i = 0; i < value.length; i++) {
      const raw: unknown = value[i];
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        errors.push({ field: `[${i}]`, message: 'each item must be a JSON object', message_zh: '每一项必须是 JSON 对象' });
        continue;
      }
      const item = plainToInstance(this.itemType, raw);
      const itemErrors = certainlyValid(item, VALIDATOR_OPTIONS) ? [] : await validate(item, VALIDATOR_OPTIONS);
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
        {
          field: meta.data ?? 'id',
          message: `${meta.data ?? 'id'} must be 1-64 letters, digits, ".", "_", ":" or "-"`,
          message_zh: constraintMessageZh('matches', meta.data ?? 'id', '1-64 letters, digits'),
        },
      ]);
    }
    return value;
  }
}
