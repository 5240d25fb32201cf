import type { DataSource } from 'typeorm';

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

/** The SQL text of a query's arguments (a string, or a config object with `text`). */
export const sqlTextOf = (args: unknown[]): string => (typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
