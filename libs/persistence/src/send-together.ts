import { types } from 'pg';
import { pgFastPath, StatementPipeline, type TypeParser } from './adapters/pg-internals';
import { type Statement, toParam } from './statement-params';

export { PREPARED_PER_CONNECTION, PreparedStatements, StatementPipeline } from './adapters/pg-internals';
export { type Statement, toParam } from './statement-params';

/** The part of a node-postgres client (e.g. what a TypeORM query runner's `connect()` returns) that sends statements. */
export interface PgClient {
  query(text: string): Promise<unknown>;
  query(pipeline: StatementPipeline): StatementPipeline;
  query(config: { text: string; values: Array<string | null> }): Promise<{ rows: unknown[] }>;
  getTypeParser?: TypeParser;
}

/**
 * Sends statements in one round trip and returns each one's rows, in order: on a busy 2-core box a round trip
 * costs 1–2.5 ms of waiting, so a transaction of a dozen statements spent most of its time between them.
 *
 * PostgreSQL's extended query protocol, pipelined: Bind, Describe and Execute for each statement (the unnamed
 * portal, replaced by the next), one Sync at the end, all in one write. A statement text is parsed once per
 * connection (see {@link PreparedStatements}); it is planned at every execution, for the parameters it has. As with several
 * statements in one simple query, they run in order in one implicit transaction (unless they open their
 * own), and after an error the server skips the rest up to the Sync: every statement in the pipeline fails. Unlike a
 * simple query, parameters travel as values: nothing is quoted into the text, and PostgreSQL parses no
 * literal of a batch's hundreds of kilobytes of JSON.
 *
 * The pipeline drives node-postgres's connection (adapters/pg-internals.ts). On the public path the statements go one
 * by one through `client.query`, with the same parameters and the same rows, stopping at the first error (which leaves
 * an open transaction aborted, as the pipeline does); each caller opens its own transaction, so they run in it as they would
 * pipelined, a round trip each.
 */
export async function sendTogether(client: PgClient, statements: readonly Statement[]): Promise<unknown[][]> {
  if (pgFastPath.on)
    return await client.query(new StatementPipeline(statements, client.getTypeParser?.bind(client) ?? types.getTypeParser));
  const values = statements.map(([, params]) => params.map(toParam)); // a bad parameter fails the call before anything is sent
  const results: unknown[][] = [];
  for (let i = 0; i < statements.length; i++) results.push((await client.query({ text: statements[i]![0], values: values[i]! })).rows);
  return results;
}
