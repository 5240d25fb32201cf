/** SQLSTATE of a PostgreSQL error, whether thrown by node-postgres or wrapped by TypeORM. */
export function pgErrorCode(e: unknown): string | undefined {
  const err = e as { code?: string; driverError?: { code?: string } } | null | undefined;
  return err?.driverError?.code ?? err?.code;
}

/**
 * A transaction that lost a race with a concurrent one (serialization failure, deadlock), and with
 * `uniqueViolation` also one that lost an insert race: running the same work again resolves it.
 */
export function isLostRace(e: unknown, { uniqueViolation = false }: { uniqueViolation?: boolean } = {}): boolean {
  const code = pgErrorCode(e);
  return code === '40001' || code === '40P01' || (uniqueViolation && code === '23505');
}

/**
 * PostgreSQL refused a prepared statement because what it returns changed under it (a migration altered a column's
 * type, or the columns a `*` stands for): `cached plan must not change result type`. The transaction it ran in commits
 * nothing; parsed again, the same statement runs (`PreparedStatements.forgetAll`, which the pipeline calls on this
 * error). Known by the server routine that raises it, since the message follows the server's `lc_messages`.
 */
export function isStalePlan(e: unknown): boolean {
  type Fields = { routine?: string; message?: string };
  const err = e as (Fields & { driverError?: Fields }) | null | undefined;
  const fields = err?.driverError ?? err;
  return (
    pgErrorCode(e) === '0A000' &&
    (fields?.routine === 'RevalidateCachedQuery' || /cached plan must not change result type/.test(fields?.message ?? ''))
  );
}

/** Work that failed for a reason running it again resolves: a lost race ({@link isLostRace}) or a stale plan ({@link isStalePlan}). */
export function isWorthRunningAgain(e: unknown, options: { uniqueViolation?: boolean } = {}): boolean {
  return isLostRace(e, options) || isStalePlan(e);
}
