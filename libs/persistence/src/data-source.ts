import { DataSource, DataSourceOptions, EntitySchema, MigrationInterface } from 'typeorm';

type EntityClass = abstract new (...args: never[]) => unknown;
type MigrationClass = new () => MigrationInterface;

export interface DataSourceSpec {
  url: string;
  entities: Array<EntityClass | EntitySchema>;
  migrations: MigrationClass[];
  poolSize?: number;
  applicationName?: string;
}

/**
 * Settings of every connection the services open (libpq `options`). Statements sent together are parsed once per
 * connection (see `PreparedStatements`); planning them for each execution's parameters keeps a plan made on a table
 * nearly empty from staying while the table grows (the relay's read of its rows joined with the outbox, left to a
 * generic plan, took 8 ms a batch instead of 0.4 in a 20 s write run: BENCHMARKS.md).
 */
export const SESSION_OPTIONS = '-c plan_cache_mode=force_custom_plan';

/**
 * For transactions whose every statement finds its rows by key (the writers' units of work, reporting's projection
 * batches), sent with their first statements: each prepared statement keeps one generic plan instead of being planned
 * at every execution, which was a quarter of those transactions' statement time (BENCHMARKS.md). Seq scans are off so
 * that no generic plan can be one: made while a table was a page or two, a seq scan is the cheapest way to find a key,
 * and such a plan would stay while the table grows (until its next ANALYZE). Every key has an index to use instead.
 */
export const KEYED_TRANSACTION_SETTINGS: ReadonlyArray<[string, unknown[]]> = [
  ['SET LOCAL enable_seqscan = off', []],
  ['SET LOCAL plan_cache_mode = auto', []],
];

/**
 * How long opening a connection may take before it fails: without a limit, a server that stopped answering (a network
 * partition, a host gone) held every caller for as long as the operating system kept trying (minutes). Failing fast
 * lets workers pause and requests answer 503 while the database is away.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The only way services build a DataSource: `synchronize` is never on, schema comes from migrations. */
export function createDataSource(spec: DataSourceSpec): DataSource {
  const options: DataSourceOptions = {
    type: 'postgres',
    url: spec.url,
    entities: spec.entities as DataSourceOptions['entities'],
    migrations: spec.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Query errors are thrown and handled (some, like a lost insert race, are expected); log only what needs a person.
    logging: ['warn', 'migration'],
    poolSize: spec.poolSize ?? 10,
    applicationName: spec.applicationName,
    extra: { max: spec.poolSize ?? 10, options: SESSION_OPTIONS, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true },
  };
  return new DataSource(options);
}
