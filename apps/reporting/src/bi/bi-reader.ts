import { escapeIdentifier } from 'pg';

/** The schema of the views BI tools chart (Superset, Metabase, DataEase): the figures, never the projection tables. */
export const BI_SCHEMA = 'bi';

/**
 * The read-only login role BI tools connect to the reporting database as: named after the reporting service's role (itself
 * named after its database), as the keys verifier is after the keys database's owner. `reporting` → `reporting_bi`.
 */
export const biReaderRole = (reportingRole: string): string => `${reportingRole}_bi`;

/**
 * The BI role's settings in the reporting database (`npm run migrate` sets them as the admin). JIT off: the views' plans
 * are costed high (yearly sums joined by institution and year), and compiling them took 2 s of a query that runs in
 * 0.2 s without (an overview of 270,000 counter rows). The timeouts: a dashboard's query or an abandoned transaction
 * must not hold back vacuum on the counters, which every event updates.
 */
export const BI_READER_SETTINGS = {
  jit: 'off',
  statement_timeout: '300s',
  idle_in_transaction_session_timeout: '60s',
} as const satisfies Record<string, string>;

/**
 * What the BI role may do in the reporting database, run by its owner: use the `bi` schema and read its views (those
 * made later too: default privileges of the owner), and nothing else; anything it was granted on the tables and
 * sequences of `public` is taken back. The views read the tables as their owner, so the role needs no right on them.
 * It cannot create in `public` either (PostgreSQL 15 grants PUBLIC no CREATE there), nor connect to any other database.
 */
export function biReaderGrants(role: string): string[] {
  const r = escapeIdentifier(role);
  const schema = escapeIdentifier(BI_SCHEMA);
  return [
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${r}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${r}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM ${r}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${r}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${r}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${r}`,
  ];
}
