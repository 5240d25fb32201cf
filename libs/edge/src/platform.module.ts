import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { DataSource } from 'typeorm';
import { AuthModule } from '@chanjiao/auth';
import type { ServiceName } from '@chanjiao/contracts';
import { connectAmqp, OutboxRelay } from '@chanjiao/messaging';
import { SERVICE_ENV, type ServiceEnv } from '@chanjiao/config';
import { createDataSource, DataSourceSpec, ensureDatabase, runMigrations, WorkerPauses } from '@chanjiao/persistence';
import { WriteUnitOfWork } from '@chanjiao/write';
import { AUDIT_SOURCE, AuditController, AuditReader, AuditSource } from './audit';
import { BROKER_HEALTH, HealthController } from './health.controller';
import { PUBLISHER_AMQP } from './tokens';
import { MetricsLeader, MetricsModule, MetricsServer, OutboxMetrics, WorkerMetrics } from './metrics';

export interface PlatformOptions {
  service: ServiceName;
  env: ServiceEnv;
  entities: DataSourceSpec['entities'];
  migrations: DataSourceSpec['migrations'];
  /**
   * Services that publish get the outbox relay and a publisher connection. A service that only
   * consumes (reporting) passes `brokerHealth` instead: the provider that knows its consumer's state.
   */
  publishes: boolean;
  brokerHealth?: Provider;
  /** Where GET /audit reads from: the outbox (default for services that publish), or reporting's event log. */
  audit?: AuditSource;
}

/**
 * Opens the service's database (creating and migrating it) before anything else needs it. The keys database is not
 * migrated here: a service's role there may only read keys (and note their use); `npm run migrate` (compose's
 * `migrate`, the k8s Job) migrates it as its owner.
 */
export async function openServiceDatabase(opts: PlatformOptions): Promise<DataSource> {
  const logger = new Logger('Database');
  await ensureDatabase(opts.env.DATABASE_URL);
  const ds = createDataSource({
    url: opts.env.DATABASE_URL,
    entities: opts.entities,
    migrations: opts.migrations,
    poolSize: opts.env.DB_POOL_SIZE,
    applicationName: opts.service,
  });
  await ds.initialize();
  if (opts.env.MIGRATIONS_RUN) {
    const applied = await runMigrations(ds);
    if (applied.length) logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
  }
  return ds;
}

/** Starts the relay once the app is up; on shutdown stops it (finishing its batch) before closing connections. */
@Injectable()
class PublisherLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly dataSource: DataSource,
    @Inject(PUBLISHER_AMQP) private readonly amqp: AmqpConnectionManager,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.amqp.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Closes the database last, after consumers and relays have finished with it. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Database, outbox relay, broker connection, API keys, health and metrics: what every service has. */
@Global()
@Module({})
export class PlatformModule {
  static forService(opts: PlatformOptions): DynamicModule {
    const common: Provider[] = [
      { provide: SERVICE_ENV, useValue: opts.env },
      { provide: DataSource, useFactory: () => openServiceDatabase(opts) },
      // One per app: its workers report database outages here; health and metrics read it.
      { provide: WorkerPauses, useFactory: () => new WorkerPauses(new Logger('Workers')) },
      // One replica per service exports the gauges of shared state (see MetricsLeader).
      { provide: MetricsLeader, useFactory: () => new MetricsLeader(opts.env.DATABASE_URL) },
      WorkerMetrics,
      MetricsServer,
      { provide: AUDIT_SOURCE, useValue: opts.audit ?? 'outbox' },
      AuditReader,
    ];
    const publishing: Provider[] = [
      { provide: PUBLISHER_AMQP, useFactory: () => connectAmqp(opts.env.AMQP_URL, `${opts.service}-publisher`) },
      { provide: BROKER_HEALTH, useExisting: PUBLISHER_AMQP },
      {
        provide: OutboxRelay,
        inject: [PUBLISHER_AMQP, WorkerPauses],
        useFactory: (amqp: AmqpConnectionManager, pauses: WorkerPauses) =>
          new OutboxRelay({
            pauses,
            databaseUrl: opts.env.DATABASE_URL,
            amqp,
            exchange: opts.env.EVENTS_EXCHANGE,
            appId: opts.service,
            batchSize: opts.env.OUTBOX_BATCH_SIZE,
          }),
      },
      WriteUnitOfWork,
      PublisherLifecycle,
      OutboxMetrics,
    ];
    if (!opts.publishes && !opts.brokerHealth) throw new Error('a service that does not publish must provide brokerHealth');
    if (!opts.publishes && (opts.audit ?? 'outbox') === 'outbox') throw new Error('a service that does not publish has no outbox to audit');
    const providers = opts.publishes ? [...common, ...publishing] : [...common, opts.brokerHealth!, DatabaseLifecycle];
    return {
      module: PlatformModule,
      imports: [AuthModule.forService(opts.service, opts.env.AUTH_DATABASE_URL), MetricsModule.forService(opts.service)],
      // GET /audit on every service, from its outbox or (reporting) its event log.
      controllers: [HealthController, AuditController],
      providers,
      exports: opts.publishes
        ? [SERVICE_ENV, DataSource, WorkerPauses, PUBLISHER_AMQP, OutboxRelay, WriteUnitOfWork, BROKER_HEALTH, MetricsLeader]
        : [SERVICE_ENV, DataSource, WorkerPauses, BROKER_HEALTH, MetricsLeader],
    };
  }
}
