import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';

/** The advisory lock the leader holds in its service's database (advisory locks are per database: one per service). */
const LEADER_LOCK = 0x63_6a_6d_6c; // "cjml"

/**
 * Elects, among a service's replicas, the one that exports the gauges of shared state (outbox backlog, queue and
 * DLQ depth, parked events): the holder of a session-level PostgreSQL advisory lock on a connection of its own. The
 * others export 0 for those gauges, so that `sum()` and `max()` over the replicas both answer the state once. Tried
 * at each scrape; a leader whose connection breaks loses the lock with its session, and another takes it.
 */
@Injectable()
export class MetricsLeader implements OnApplicationShutdown {
  private readonly logger = new Logger('MetricsLeader');
  private client?: Client;
  private leading = false;
  private attempt?: Promise<boolean | null>;
  private closed = false;

  constructor(private readonly databaseUrl: string) {}

  /** Whether this instance leads now (trying to take the lock if not); null while its database is away. */
  isLeader(): Promise<boolean | null> {
    if (this.closed) return Promise.resolve(false);
    if (this.leading) return Promise.resolve(true);
    // One attempt at a time: a scrape collects its gauges concurrently.
    this.attempt ??= this.tryLead().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  private async tryLead(): Promise<boolean | null> {
    try {
      if (!this.client) {
        const client = new Client({ connectionString: this.databaseUrl, application_name: 'metrics-leader' });
        client.on('error', () => this.drop(client));
        client.on('end', () => this.drop(client));
        this.client = client;
        await client.connect();
      }
      const { rows } = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LEADER_LOCK]);
      this.leading = rows[0]?.locked === true;
      if (this.leading) this.logger.log('this instance exports the gauges of shared state');
      return this.leading;
    } catch {
      if (this.client) this.drop(this.client);
      return null;
    }
  }

  private drop(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.leading) this.logger.warn('lost the metrics leadership with its database connection');
    this.leading = false;
    void client.end().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    await client?.end().catch(() => undefined);
  }
}

/** A gauge's value on the leader; 0 elsewhere (see {@link MetricsLeader}); NaN when no one can tell (database away). */
export async function onLeader(leader: MetricsLeader, read: () => Promise<number>): Promise<number> {
  const leading = await leader.isLeader();
  return leading === null ? NaN : leading ? read() : 0;
}
