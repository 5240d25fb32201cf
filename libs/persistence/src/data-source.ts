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
 * nearly empty from staying while the table grows.
 */
export const SESSION_OPTIONS = '-c plan_cache_mode=force_custom_plan';

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
    extra: { max: spec.poolSize ?? 10, options: SESSION_OPTIONS },
  };
  return new DataSource(options);
}
