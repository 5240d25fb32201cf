import type { QueryRunner } from 'typeorm';
import { diffCells, Fact, Projection } from './projection';
import { addToCounters } from './projection.unit-of-work';

interface Row {
  institution: string;
  id: string;
  state: unknown;
  facts: Fact[];
}

/**
 * Makes the stored facts of one kind's read models, and the counters they add up to, what `projection` gives for
 * their states now: for a migration after a change to what a projection counts, so that read models no new event
 * touches are right too. Rows (those matching `where`, SQL on read_model's columns) are read and locked a page at a
 * time in key order, in the caller's transaction; counters change by the difference only, as the consumer changes
 * them, so running it again changes nothing. Answers how many read models changed.
 */
export async function recomputeFacts(
  runner: QueryRunner,
  kind: string,
  projection: Projection<unknown>,
  where = 'true',
  pageSize = 500,
): Promise<number> {
  let changed = 0;
  let after: Row | undefined;
  for (;;) {
    const rows = (await runner.query(
      `SELECT institution, id, state, facts FROM read_model
       WHERE kind = $1 AND (${where}) AND ($2::text IS NULL OR (institution, id) > ($2, $3))
       ORDER BY institution, id LIMIT $4 FOR UPDATE`,
      [kind, after?.institution ?? null, after?.id ?? null, pageSize],
    )) as Row[];
    if (rows.length === 0) return changed;
    after = rows.at(-1);
    const models: Array<{ institution: string; id: string; facts: Fact[] }> = [];
    const cells = new Map<string, Fact & { institution: string }>();
    for (const r of rows) {
      const facts = projection.facts(r.state);
      const diff = diffCells(r.facts, facts);
      if (diff.size === 0) continue;
      models.push({ institution: r.institution, id: r.id, facts });
      for (const [key, fact] of diff) {
        const k = `${r.institution}\u0000${key}`;
        const cell = cells.get(k);
        if (cell) cell.value += fact.value;
        else cells.set(k, Object.assign({}, fact, { institution: r.institution }));
      }
    }
    if (models.length === 0) continue;
    changed += models.length;
    await runner.query(
      `UPDATE read_model m SET facts = t.facts, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS t(institution text, id text, facts jsonb)
       WHERE m.institution = t.institution AND m.kind = $1 AND m.id = t.id`,
      [kind, JSON.stringify(models)],
    );
    const sorted = [...cells]
      .filter(([, c]) => c.value !== 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, c]) => c);
    if (sorted.length) await runner.query(...addToCounters(sorted));
  }
}
