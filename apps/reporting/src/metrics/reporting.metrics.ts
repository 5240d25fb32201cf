import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import type { ConsumerStats } from '@chanjiao/messaging';
import { METRIC_NAMES, MetricName, Metrics, MetricsLeader, oncePerScrape, onLeader, orNaN } from '@chanjiao/edge';
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

/**
 * The consumer's counters and how far the projections are behind (this instance's), and, from the metrics leader only
 * (0 on the other replicas: see MetricsLeader), the shared state: the queue's and the DLQ's depth and the parked events.
 */
@Injectable()
export class ReportingMetrics {
  constructor(metrics: Metrics, consumer: ConsumerState, dataSource: DataSource, leader: MetricsLeader) {
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
      help: 'Events waiting in the reporting queue (on the metrics leader, 0 on other replicas; NaN when the broker is unreachable)',
      registers,
      async collect() {
        this.set(await onLeader(leader, () => orNaN(() => consumer.queueDepth())));
      },
    });
    new Gauge({
      name: METRIC_NAMES.deadLetterDepth,
      help: 'Events in the reporting dead-letter queue (on the metrics leader, 0 on other replicas; NaN when the broker is unreachable)',
      registers,
      async collect() {
        this.set(await onLeader(leader, () => orNaN(() => consumer.deadLetterDepth())));
      },
    });
    // Parked events and their oldest time: one query per scrape, shared by both gauges.
    const readParked = oncePerScrape(async () => {
      const [row] = await dataSource.query<Array<{ count: number; oldest: number | null }>>(
        `SELECT count(*)::int AS count, (EXTRACT(EPOCH FROM min((event->>'time')::timestamptz)) * 1000)::float8 AS oldest FROM stream_pending`,
      );
      return row ?? { count: 0, oldest: null };
    });
    new Gauge({
      name: METRIC_NAMES.parkedEvents,
      help: 'Events parked until their predecessor arrives (stream_pending; on the metrics leader, 0 on other replicas)',
      registers,
      async collect() {
        this.set(await onLeader(leader, () => orNaN(async () => (await readParked()).count)));
      },
    });
    new Gauge({
      name: METRIC_NAMES.projectionLag,
      help:
        'Age in seconds of the oldest event not yet applied: parked, or received by this instance and not yet committed (0 when ' +
        'nothing waits; events still in the queue count once delivered: see the queue depth). Aggregate with max()',
      registers,
      async collect() {
        this.set(
          await orNaN(async () => {
            const held = consumer.server?.oldestHeldEventTime();
            const { oldest } = await readParked();
            const times = [held, oldest ?? undefined].filter((t): t is number => t !== undefined);
            return times.length ? Math.max(0, (Date.now() - Math.min(...times)) / 1000) : 0;
          }),
        );
      },
    });
  }
}
