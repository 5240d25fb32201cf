/**
 * SQL for one institution's rows whose key column is one of a list: `$1` the institution, `$2` a `text[]`
 * of keys. Each key is one index probe, whatever the table's size or statistics. `key = ANY($2)` let the
 * planner scan the whole institution instead (it does so above ~15 keys while a table has no statistics,
 * reading every student per write batch). `then` goes inside the per-key query (`FOR UPDATE`, `ORDER BY
 * version DESC LIMIT 1`); rows come key by key in the order of `$2`, so locks are taken in that order.
 */
export function rowsByKeys(o: { columns: string; table: string; key: string; then: string }): string {
  // `then` is required: a locking, sorted or limited subquery is never merged into the outer query (which
  // could then hash-join the table again), so it stays a per-key probe.
  return `SELECT r.* FROM unnest($2::text[]) AS k(key)
    CROSS JOIN LATERAL (SELECT ${o.columns} FROM ${o.table} WHERE institution = $1 AND ${o.key} = k.key ${o.then}) AS r`;
}

/** Distinct keys in one fixed order: writers that lock rows in this order cannot deadlock each other. */
export function inLockOrder(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}
