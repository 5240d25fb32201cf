/**
 * API views as allow-lists: a view carries exactly the keys its class declares, copied from the state, so a field
 * added to a state (private or not) stays out of the API until someone lists it in the view.
 */

import type { Page } from '@chanjiao/persistence';

/** The element a nested view maps (an array's element, or the object itself when nullable). */
type Element<T> = T extends readonly (infer E)[] ? E : Exclude<T, null>;

/** Per-key mappers for nested views (e.g. an enrollment's transfers), applied to each element. */
export type NestedViews<V> = { [P in keyof V]?: (source: never) => Element<V[P]> };

/** What a mapper reads: the view's keys, with nested keys typed as the nested mapper's input. */
export type ViewSource<V, N extends NestedViews<V>> = {
  [P in keyof V]: N[P] extends (source: infer I) => unknown
    ? V[P] extends readonly unknown[]
      ? readonly I[]
      : I | Extract<V[P], null>
    : V[P];
};

/** A compile error naming the view keys left out of the list (unknown keys fail on their own). */
type EveryKey<V, K extends readonly PropertyKey[]> = [Exclude<keyof V, K[number]>] extends [never]
  ? unknown
  : { readonly missingViewKeys: Exclude<keyof V, K[number]> };

export interface ViewMapper<V, S> {
  (source: S): V;
  /** The view class and its listed keys, so a test can hold the list against the class's OpenAPI properties. */
  readonly view: abstract new () => V;
  readonly keys: readonly (keyof V)[];
}

/**
 * `viewMapper(ProgramView, ['code', ...])`: a function copying exactly those keys; the list must name every key of
 * the view (a missing one is a compile error), in the order the view declares them (the JSON order stays as before).
 */
export function viewMapper<V extends object, const K extends readonly (keyof V)[], N extends NestedViews<V> = Record<never, never>>(
  view: abstract new () => V,
  keys: K & EveryKey<V, K>,
  nested?: N,
): ViewMapper<V, ViewSource<V, N>> {
  const list: readonly (keyof V)[] = keys;
  const mapper = (source: ViewSource<V, N>): V => {
    const out: Partial<Record<keyof V, unknown>> = {};
    for (const key of list) {
      const value: unknown = source[key];
      // An optional property the source leaves out stays out, as JSON never had it.
      if (value === undefined) continue;
      const inner = nested?.[key] as ((s: unknown) => unknown) | undefined;
      out[key] = inner === undefined || value === null ? value : Array.isArray(value) ? value.map((v) => inner(v)) : inner(value);
    }
    return out as V;
  };
  return Object.assign(mapper, { view, keys: list });
}

/** A page of states as a page of views. */
export function viewPage<S, V>(page: Page<S>, mapper: (source: S) => V): Page<V> {
  return { items: page.items.map((item) => mapper(item)), nextCursor: page.nextCursor };
}
