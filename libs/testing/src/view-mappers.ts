import { DECORATORS } from '@nestjs/swagger';

/** The properties a view class declares to OpenAPI (own and inherited), as @nestjs/swagger records them. */
export function viewKeysOf(view: abstract new () => unknown): string[] {
  const listed = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, view.prototype) ?? []) as string[];
  return [...new Set(listed.map((p) => p.replace(/^:/, '')))];
}

/**
 * The table-driven check every service runs over its mappers: output keys are exactly the view's OpenAPI
 * properties, and a field the view does not declare never leaks.
 */
/** Any view mapper, whatever its view and source. */
interface AnyViewMapper {
  (source: never): object;
  readonly view: abstract new () => object;
  readonly keys: readonly PropertyKey[];
}

export function describeViewMappers(mappers: Record<string, { mapper: AnyViewMapper; sample: object }>): void {
  describe.each(Object.entries(mappers))('%s', (_name, { mapper, sample }) => {
    it('lists exactly the properties the view declares', () => {
      expect([...mapper.keys].map(String).sort()).toEqual(viewKeysOf(mapper.view).sort());
    });

    it('returns exactly those keys and drops an unknown field of the state', () => {
      const view = (mapper as unknown as (s: object) => object)(Object.assign({}, sample, { leakedSecret: 'must not leak' }));
      expect(Object.keys(view).sort()).toEqual(viewKeysOf(mapper.view).sort());
      expect(JSON.stringify(view)).not.toContain('must not leak');
    });
  });
}
