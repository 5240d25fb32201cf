import { Client } from 'pg';
import { streamOf } from '@chanjiao/contracts';
import type { DeadLetter } from '@chanjiao/messaging';

/** Where a dead letter stands in its stream, from its body; null for a body that is not such an event. */
function positionOf(letter: DeadLetter): { institution: string; stream: string; subject: string; sequence: number } | null {
  try {
    const e = JSON.parse(letter.body) as { institution?: unknown; type?: unknown; subject?: unknown; sequence?: unknown };
    if (typeof e.institution !== 'string' || typeof e.type !== 'string' || typeof e.subject !== 'string' || !Number.isInteger(e.sequence))
      return null;
    return { institution: e.institution, stream: streamOf(e.type), subject: e.subject, sequence: e.sequence as number };
  } catch {
    return null;
  }
}

/**
 * For each dead letter, how many later events of its record wait in reporting's `stream_pending` for it: they are applied
 * once it is (a replay applies the dead letter, then them). Null where the letter is not an event of a stream. One query.
 */
export async function parkedBehind(letters: readonly DeadLetter[], reportingDatabaseUrl: string): Promise<Array<number | null>> {
  const positions = letters.map(positionOf);
  const known = positions.filter((p): p is NonNullable<typeof p> => p !== null);
  if (known.length === 0) return positions.map(() => null);
  const db = new Client({ connectionString: reportingDatabaseUrl, application_name: 'dlq-tool' });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: number }>(
      `SELECT (SELECT count(*)::int FROM stream_pending p
               WHERE p.institution = t.i AND p.stream = t.s AND p.subject = t.j AND p.sequence > t.q) AS n
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) WITH ORDINALITY AS t(i, s, j, q, o) ORDER BY t.o`,
      [known.map((p) => p.institution), known.map((p) => p.stream), known.map((p) => p.subject), known.map((p) => p.sequence)],
    );
    let next = 0;
    return positions.map((p) => (p === null ? null : rows[next++]!.n));
  } finally {
    await db.end();
  }
}
