import type { DataSource } from 'typeorm';
import { Statement, StatementPipeline } from '@chanjiao/persistence';

type Send = (...args: unknown[]) => Promise<unknown>;

/**
 * Routes every query sent on the connections `ds` hands its query runners (TypeORM's and those sent on the
 * connection directly) through `tap`, which passes it on with `send`, until `restore`. For tests that count
 * round trips or look inside a transaction; the connection goes back to the pool as it was.
 */
export function tapConnections(ds: DataSource, tap: (args: unknown[], send: Send) => Promise<unknown>): { restore: () => void } {
  const create = ds.createQueryRunner.bind(ds);
  const spy = jest.spyOn(ds, 'createQueryRunner').mockImplementation((...args: Parameters<DataSource['createQueryRunner']>) => {
    const runner = create(...args);
    const connect = runner.connect.bind(runner);
    let tapped = false;
    runner.connect = async () => {
      const client = (await connect()) as { query: Send };
      // TypeORM calls connect() again before each of its queries: tap the connection once.
      if (tapped) return client;
      tapped = true;
      const send = client.query.bind(client);
      client.query = (...a: unknown[]) => tap(a, send);
      runner.release = ((release) => async () => {
        client.query = send;
        return release();
      })(runner.release.bind(runner));
      return client;
    };
    return runner;
  });
  return { restore: () => spy.mockRestore() };
}

/** The SQL text of a query's arguments (a string, or an object with `text`: a config or a statement pipeline). */
export const sqlTextOf = (args: unknown[]): string => (typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));

/** The statements of a query's arguments: a pipeline's (see sendTogether), else the one text with its parameters. */
export const statementsOf = (args: unknown[]): Statement[] => {
  if (args[0] instanceof StatementPipeline) return [...args[0].statements];
  // A text with its parameters, or a config (what sendTogether sends on the public path, README "Library internals").
  const values = Array.isArray(args[1]) ? args[1] : (args[0] as { values?: unknown } | undefined)?.values;
  return [[sqlTextOf(args), Array.isArray(values) ? (values as unknown[]) : []]];
};

type WriteMethod = (...args: unknown[]) => unknown;

/**
 * Counts what a connection's socket hands to the kernel from now until `restore`: one `_write` per chunk written
 * alone, one `_writev` per group of chunks written together (a corked socket). For tests of how many writes a
 * burst takes. Takes a node-postgres client or an amqplib connection: both keep their socket at `connection.stream`.
 */
export function countSocketWrites(owner: object): { writes: () => number; restore: () => void } {
  const s = (owner as { connection: { stream: Record<'_write' | '_writev', WriteMethod> } }).connection.stream;
  const originals = { _write: s._write, _writev: s._writev };
  let writes = 0;
  for (const method of ['_write', '_writev'] as const) {
    s[method] = function (this: unknown, ...args: unknown[]) {
      writes++;
      return originals[method].apply(this, args);
    };
  }
  return {
    writes: () => writes,
    restore: () => Object.assign(s, originals),
  };
}
