import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import type { ConsumerStats } from '@chanjiao/messaging';
import { METRIC_NAMES, MetricName, Metrics, orNaN } from '@chanjiao/edge';
import { ConsumerState } from '../events/consumer.state';

const STATS: Array<{ stat: keyof ConsumerStats; name: MetricName; help: string }> = [
  { stat: 'applied', name: METRIC_NAMES.consumerApplied, help: 'Events applied to the read models' },
  {
    stat: 'renewed',
    name: METRIC_NAMES.consumerRenewed,
    help: 'Deliveries re-queued afresh before the delivery limit (each had been delivered to consumers that stopped or crashed without an ack)',
  },
  { stat: 'duplicates', name: METRIC_NAMES.consumerDuplicates, help: 'Redelivered events dropped as already applied' },
  { stat: 'retried', name: METRIC_NAMES.consumerRetried, help: 'Events sent to a retry queue after a failure' },
  {
    stat: 'deadLettered',
    name: METRIC_NAMES.consumerDeadLettered,
    help: 'Events dead-lettered: after their last retry, or at once when invalid or of no known type',
  },
  { stat: 'batches', name: METRIC_NAMES.consumerBatches, help: 'Batches of events applied in one transaction' },
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
      name: METRIC_NAMES.consumerQueueDepth,
      help: 'Events waiting in the reporting queue (NaN when the broker is unreachable)',
      registers,
      async collect() {
        this.set(await orNaN(() => consumer.queueDepth()));
      },
    });
    new Gauge({
      name: METRIC_NAMES.projectionLag,
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
