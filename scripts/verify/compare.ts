/** Comparing a report as served with its recount, figure by figure. */

export type Figure = string | number | boolean | null;

/** Fields of a report that say what was asked or when, not figures. */
const NOT_FIGURES = new Set(['institution', 'year', 'cohort', 'date', 'asOf', 'by', 'within', 'items', 'nextCursor']);
/** What identifies an element of a list of rows, in order of preference. */
const ROW_KEYS = ['key', 'agreementId', 'allianceId', 'studentId', 'source', 'kind'];

/**
 * A report's figures by path: `graduates.placed`, `rows[contract].numerator`, `alliances[A1].members.byRole.chair`.
 * Rows are named by their key (not their position), lists of plain values are one figure (`forms` → "a,b").
 */
export function figuresOf(value: unknown, prefix = '', out = new Map<string, Figure>(), rowKey?: string): Map<string, Figure> {
  if (Array.isArray(value)) {
    if (value.length === 0) return out;
    if (value.every((v) => v === null || typeof v !== 'object')) {
      out.set(prefix, value.map((v) => String(v)).join(','));
      return out;
    }
    for (const [i, row] of value.entries()) {
      const key = ROW_KEYS.find((k) => row && typeof row === 'object' && k in row);
      const name = key ? String((row as Record<string, unknown>)[key]) : String(i);
      figuresOf(row, `${prefix}[${name}]`, out, key);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (NOT_FIGURES.has(k) && prefix === '') continue;
      if (k === 'items' || k === rowKey) continue;
      figuresOf(v, prefix ? `${prefix}.${k}` : k, out);
    }
    return out;
  }
  out.set(prefix, value as Figure);
  return out;
}

const isZero = (v: Figure | undefined) => v === 0 || v === '0.00';
const same = (a: Figure | undefined, b: Figure | undefined) =>
  a === b ||
  (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9) ||
  (a === undefined && isZero(b)) ||
  (b === undefined && isZero(a));

export interface FigureDifference {
  key: string;
  /** `undefined`: the report has no such figure (or row). */
  reported: Figure | undefined;
  recounted: Figure | undefined;
}

/**
 * Every figure of either side; a row one side leaves out compares as zeros (a report lists groups with something in
 * them, the recount may list empty ones, and the other way round).
 */
export function compareFigures(reported: unknown, recounted: unknown): { compared: number; differences: FigureDifference[] } {
  const r = figuresOf(reported);
  const c = figuresOf(recounted);
  const keys = [...new Set([...r.keys(), ...c.keys()])].sort();
  const differences: FigureDifference[] = [];
  for (const key of keys) {
    if (!same(r.get(key), c.get(key))) differences.push({ key, reported: r.get(key), recounted: c.get(key) });
  }
  return { compared: keys.length, differences };
}
