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

/**
 * SQLSTATEs that say the database, not the work, failed: connection exceptions (class 08), the server shutting down or
 * starting up (57P01–57P03), no connection slots or resources left (class 53), a read-only server (25006: a standby
 * after a failover, or `default_transaction_read_only`), a statement cancelled by a timeout or an operator (57014), and
 * the server's own I/O errors (class 58).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53...|25006|57014|58...)$/;

/** Socket errors of a server that is not there (refused, reset, unreachable, not resolved, timed out). */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What node-postgres (and TypeORM over it) say, without a code, when a connection ends or cannot be had in time. */
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable|Query read timeout/i;

/**
 * The database cannot be reached or cannot take the work now (restart, failover, outage, full connection slots,
 * read-only, timeouts): an infrastructure fault, not a fault of the work. Work that failed so has not committed, or
 * committed without its caller knowing (a connection lost during COMMIT), so it is to be run again, unchanged, once
 * the database answers; it is never a reason to reject the work itself. Looks through TypeORM's wrappers, `cause`
 * chains and a connection attempt's `AggregateError` (one error per address tried).
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (x: unknown): boolean => {
    if (x === null || typeof x !== 'object' || seen.has(x)) return false;
    seen.add(x);
    const err = x as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
    const code = typeof err.code === 'string' ? err.code : undefined;
    if (code && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
    // A SQLSTATE of another class is the server's verdict on the work: its message is not to be second-guessed.
    if (!(code && /^[0-9A-Z]{5}$/.test(code)) && typeof err.message === 'string' && UNAVAILABLE_MESSAGES.test(err.message)) return true;
    return visit(err.driverError) || visit(err.cause) || (Array.isArray(err.errors) && err.errors.some(visit));
  };
  return visit(e);
}
