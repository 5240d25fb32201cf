import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { WorkerPauses } from '@chanjiao/persistence';
import { BROKER_HEALTH, type BrokerHealth } from '../health.controller';
import { Metrics } from './metrics';
import { MetricsLeader } from './metrics-leader';
import { METRIC_NAMES } from './metric-names';

/**
 * Which background workers wait for their database now, and how often they had to since the process started; the
 * broker connection; whether this instance is the metrics leader.
 */
@Injectable()
export class WorkerMetrics {
  constructor(metrics: Metrics, pauses: WorkerPauses, leader: MetricsLeader, @Inject(BROKER_HEALTH) broker: BrokerHealth) {
    const registers = [metrics.registry];
    new Gauge({
      name: METRIC_NAMES.brokerUp,
      help: 'The connection to RabbitMQ: 1 up, 0 down (writers stay ready without it: their outbox holds the events)',
      registers,
      collect() {
        this.set(broker.isConnected() ? 1 : 0);
      },
    });
    new Gauge({
      name: METRIC_NAMES.metricsLeader,
      help: 'This instance exports the gauges of shared state (1), or exports 0 for them (0); NaN while its database is away',
      registers,
      async collect() {
        const leading = await leader.isLeader();
        this.set(leading === null ? NaN : leading ? 1 : 0);
      },
    });
    new Gauge({
      name: METRIC_NAMES.workerPaused,
      help: 'A background worker (consumer, outbox relay, scheduled job) waiting for its database to answer: 1 while paused',
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        const now = new Set(pauses.paused().map((p) => p.worker));
        for (const worker of pauses.totals().keys()) this.set({ worker }, now.has(worker) ? 1 : 0);
      },
    });
    const reported = new Map<string, number>();
    new Counter({
      name: METRIC_NAMES.workerPauses,
      help: 'Times a background worker paused because its database was unavailable',
      labelNames: ['worker'],
      registers,
      collect() {
        for (const [worker, total] of pauses.totals()) {
          const delta = total - (reported.get(worker) ?? 0);
          if (delta > 0) this.inc({ worker }, delta);
          reported.set(worker, total);
        }
      },
    });
  }
}
