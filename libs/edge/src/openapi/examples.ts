import { type OpenApiDocument, pathsOf } from './problems';

interface Schema {
  $ref?: string;
  type?: string;
  example?: unknown;
  enum?: unknown[];
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
}

/** No example: a required property has none (nor an enum or a default) to take. */
const NONE = Symbol('no example');

/**
 * A body's example from the examples of its properties (DTOs declare them with @ApiProperty), or NONE when a required
 * property has none: its own `example` first, then an enum's first value or the default.
 */
function exampleOf(schema: Schema | undefined, schemas: Record<string, Schema>, depth = 0): unknown {
  if (!schema || depth > 8) return NONE;
  if (schema.$ref) return exampleOf(schemas[schema.$ref.split('/').pop()!], schemas, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.allOf?.length === 1) return exampleOf(schema.allOf[0], schemas, depth + 1);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.type === 'array') {
    const item = exampleOf(schema.items, schemas, depth + 1);
    return item === NONE ? NONE : [item];
  }
  if (schema.type === 'object' || schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const value = exampleOf(property, schemas, depth + 1);
      if (value !== NONE) out[name] = value;
      else if (schema.required?.includes(name)) return NONE;
    }
    return out;
  }
  return NONE;
}

/**
 * An example on every JSON request body that has none, made of its properties' examples, so that /docs shows a body
 * to send; a body whose required properties lack examples gets none (the OpenAPI test then names it).
 */
export function documentRequestExamples(document: OpenApiDocument): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const path of Object.values(pathsOf(document)))
    for (const operation of Object.values(path))
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        if (media.example !== undefined || media.examples !== undefined) continue;
        const example = exampleOf(media.schema as Schema, schemas);
        if (example !== NONE) media.example = example;
      }
}
