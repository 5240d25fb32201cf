import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import type { ConsumerStats } from '@chanjiao/messaging';
import { Metrics, orNaN } from '@chanjiao/platform';
import { ConsumerState } from '../events/consumer.state';

const STATS: Array<{ stat: keyof ConsumerStats; name: string; help: string }> = [
  { stat: 'applied', name: 'chanjiao_consumer_applied_total', help: 'Events applied to the read models' },
  {
    stat: 'renewed',
    name: 'chanjiao_consumer_renewed_total',
    help: 'Deliveries re-queued afresh before the delivery limit (each had been delivered to consumers that stopped or crashed without an ack)',
  },
  { stat: 'duplicates', name: 'chanjiao_consumer_duplicates_total', help: 'Redelivered events dropped as already applied' },
  { stat: 'retried', name: 'chanjiao_consumer_retried_total', help: 'Events sent to a retry queue after a failure' },
  {
    stat: 'deadLettered',
    name: 'chanjiao_consumer_dead_lettered_total',
    help: 'Events dead-lettered: after their last retry, or at once when invalid or of no known type',
  },
  { stat: 'batches', name: 'chanjiao_consumer_batches_total', help: 'Batches of events applied in one transaction' },
];

/** The consumer's counters, its queue depth and how far the projections are behind, read on scrape. */
@Injectable()
export class ReportingMetrics {
  constructor(metrics: Metrics, consumer: ConsumerState, dataSource: DataSource) {
    const registers = [metrics.registry];
    for (const { stat, name, help } of STATS) {
      let reported = 0;
      new Counter({
        name,
        help,
        registers,
        collect() {
          const value = consumer.server?.stats[stat] ?? 0;
          if (value > reported) this.inc(value - reported);
          reported = value;
        },
      });
    }
    new Gauge({
      name: 'chanjiao_consumer_queue_depth',
      help: 'Events waiting in the reporting queue (NaN when the broker is unreachable)',
      registers,
      async collect() {
        this.set(await orNaN(() => consumer.queueDepth()));
      },
    });
    new Gauge({
      name: 'chanjiao_projection_lag_seconds',
      help: 'Seconds since the time of the newest event applied to any read model (NaN before the first event)',
      registers,
      async collect() {
        this.set(
          await orNaN(async () => {
            const [row] = await dataSource.query<Array<{ lag: number | null }>>(
              `SELECT EXTRACT(EPOCH FROM now() - max(last_event_time))::float8 AS lag FROM freshness`,
            );
            return row?.lag;
          }),
        );
      },
    });
  }
}
