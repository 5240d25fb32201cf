/** Arrays compared as sets are kept sorted and without repeats, in state and in events. */
export const sortedSet = <T extends string>(values: readonly T[] | undefined): T[] => [...new Set(values ?? [])].sort();
export const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);
