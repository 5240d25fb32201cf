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
