import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationArguments, ValidatorOptions } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { LibraryFastPath } from '@chanjiao/config';

/**
 * The one place that reads class-validator's metadata storage (its per-class rules and constraint instances, which
 * its API does not describe). Public path: class-validator's own `validate` for every object.
 */
export const classValidatorFastPath = new LibraryFastPath('class-validator', '0.15.1');

/**
 * A check that an object passes class-validator, for the options our pipes use, without class-validator's
 * cost: it builds a `ValidationError` for every property of every object it checks, valid or not, and finds a
 * class's rules anew on each call. That was a third of what a single write allocated in the enrollment service.
 *
 * The rules are class-validator's own, compiled once per class: the same metadata, the same constraint
 * functions with the same arguments. The check only ever answers "valid". Anything else (a failed rule, an
 * asynchronous constraint, a kind of rule it does not know) is left to class-validator, which says what is
 * wrong. The errors a client gets therefore always come from class-validator. On the public path it answers
 * nothing (false): class-validator checks everything.
 */
export function certainlyValid(object: object, options: ValidatorOptions): boolean {
  if (!classValidatorFastPath.on) return false;
  if (!sameOptions(options)) return false;
  const compiled = compiledFor(object.constructor);
  if (!compiled) return false;
  const record = object as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!compiled.properties.has(key)) return false; // whitelist
  for (const check of compiled.checks) if (!check(record)) return false;
  return true;
}

/** The only options compiled for: whitelisted fields only, unknown values refused, no groups, nothing skipped. */
function sameOptions(o: ValidatorOptions): boolean {
  return (
    o.whitelist === true &&
    o.forbidNonWhitelisted === true &&
    o.forbidUnknownValues !== false &&
    !o.groups?.length &&
    !o.always &&
    !o.strictGroups &&
    !o.skipMissingProperties &&
    !o.skipNullProperties &&
    !o.skipUndefinedProperties &&
    !o.stopAtFirstError
  );
}

interface Compiled {
  properties: ReadonlySet<string>;
  checks: Array<(object: Record<string, unknown>) => boolean>;
}

type Constraint = { validate(value: unknown, args: ValidationArguments): unknown };

const compiled = new Map<unknown, Compiled | null>();

function compiledFor(type: unknown): Compiled | null {
  let c = compiled.get(type);
  if (c === undefined) compiled.set(type, (c = typeof type === 'function' ? compile(type) : null));
  return c;
}

/** null: a class this check does not cover (class-validator decides). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- what class-validator takes for a class
function compile(type: Function): Compiled | null {
  const storage = getMetadataStorage();
  // As class-validator asks for them with these options (no schema, `always` off, no groups).
  const metadatas = storage.getTargetValidationMetadatas(type, undefined as unknown as string, false, false, undefined);
  if (metadatas.length === 0) return null; // an unknown value: refused
  const grouped = storage.groupByPropertyName(metadatas);
  const checks: Compiled['checks'] = [];
  for (const [property, list] of Object.entries(grouped)) {
    const check = compileProperty(property, list);
    if (!check) return null;
    checks.push(check);
  }
  return { properties: new Set(Object.keys(grouped)), checks };
}

function compileProperty(property: string, metadatas: ValidationMetadata[]): ((object: Record<string, unknown>) => boolean) | null {
  const conditions: Array<(object: object, value: unknown) => boolean> = [];
  const rules: Array<{ metadata: ValidationMetadata; constraints: Constraint[] }> = [];
  for (const m of metadatas) {
    switch (m.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
        break;
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION: {
        const found = getMetadataStorage().getTargetValidatorConstraints(m.constraintCls);
        if (found.some((c) => c.async)) return null;
        rules.push({ metadata: m, constraints: found.map((c) => c.instance as Constraint) });
        break;
      }
      case ValidationTypes.WHITELIST:
        break;
      default:
        return null; // nested objects, promises: left to class-validator
    }
  }
  return (object) => {
    const value = object[property];
    for (const condition of conditions) if (!condition(object, value)) return true;
    for (const { metadata: m, constraints } of rules) {
      if (m.validateIf && !m.validateIf(object, value)) continue;
      const args: ValidationArguments = {
        targetName: object.constructor?.name,
        property: m.propertyName,
        object,
        value,
        constraints: m.constraints,
      };
      const items = m.each && (Array.isArray(value) || value instanceof Set || value instanceof Map) ? toArray(value) : undefined;
      for (const constraint of constraints) {
        if (items) {
          for (const item of items) if (!passed(constraint.validate(item, args))) return false;
        } else if (!passed(constraint.validate(value, args))) return false;
      }
    }
    return true;
  };
}

/** A promise (any thenable, as class-validator tells them) is not an answer here: class-validator awaits it. */
const passed = (result: unknown): boolean =>
  !!result && !(typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function');

const toArray = (value: unknown[] | Set<unknown> | Map<unknown, unknown>): unknown[] =>
  value instanceof Map ? Array.from(value.values()) : Array.isArray(value) ? value : Array.from(value);
