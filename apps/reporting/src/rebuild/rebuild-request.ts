/**
 * Asks for a rebuild, as a migration that changes what projections count does (README "Rebuilding the reports"): a
 * `requested` run, which the reporting service starts at boot. None on a database with no events yet (nothing to
 * recount).
 */
export async function requestRebuild(
  queryRunner: { query(sql: string, params: unknown[]): Promise<unknown> },
  reason: string,
): Promise<void> {
  await queryRunner.query(
    `INSERT INTO rebuild_run (id, state, phase, requested_by)
     SELECT gen_random_uuid(), 'requested', 'preparing', $1 WHERE EXISTS (SELECT 1 FROM event_log)`,
    [reason],
  );
}
