import { formatDifference, verifyFigures } from '../../scripts/verify/verify-figures';
import { ChaosStack, WRITERS } from './chaos-stack';

export interface Reconciliation {
  /** Events the four services wrote (their outboxes). */
  written: number;
  /** Events reporting applied, once each. */
  applied: number;
  figures: number;
  differences: string[];
  deadLetters: Array<{ id: string | null; reason: unknown }>;
  unpublished: number;
}

/**
 * What every chaos scenario ends with: every event the services committed published and applied once (reporting's
 * event log holds each exactly once), every figure of every report equal to the recount from the services' own records
 * (`npm run verify`), and the dead-letter queue holding only what the scenario put there on purpose.
 */
export async function reconcile(stack: ChaosStack, { years = [2021, 2022, 2023] }: { years?: number[] } = {}): Promise<Reconciliation> {
  const result = await verifyFigures({
    reportingUrl: stack.urls('reporting')[0]!,
    databases: stack.writeDatabases,
    authDatabaseUrl: stack.authDatabaseUrl,
    years,
    waitMs: 5 * 60_000,
  });
  let written = 0;
  let unpublished = 0;
  for (const s of WRITERS) {
    const [row] = await stack.query<{ n: number; p: number }>(
      s,
      `SELECT (SELECT count(*)::int FROM outbox) AS n, (SELECT count(*)::int FROM outbox_pending) AS p`,
    );
    written += row!.n;
    unpublished += row!.p;
  }
  const [applied] = await stack.query<{ n: number; distinct: number }>(
    'reporting',
    `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM event_log`,
  );
  const letters = await stack.deadLetters();
  return {
    written,
    applied: applied!.n,
    figures: result.compared,
    differences: result.differences.map(formatDifference),
    deadLetters: letters.map((m) => ({ id: m.properties.messageId ?? null, reason: m.properties.headers?.['x-dead-letter-reason'] })),
    unpublished,
  };
}
