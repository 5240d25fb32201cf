import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { OutboxRelay } from '@chanjiao/messaging';
import { Metrics, oncePerScrape, orNaN } from './metrics';
import { MetricsLeader, onLeader } from './metrics-leader';
import { METRIC_NAMES } from './metric-names';

/** Outbox backlog (queried on scrape, by the metrics leader only: it is the service's) and events published by this process's relay. */
@Injectable()
export class OutboxMetrics {
  constructor(metrics: Metrics, relay: OutboxRelay, leader: MetricsLeader) {
    const registers = [metrics.registry];
    const backlog = oncePerScrape(() => relay.backlog().catch(() => null));
    new Gauge({
      name: METRIC_NAMES.outboxBacklog,
      help: 'Outbox messages not yet published to the broker (on the metrics leader; 0 on other replicas)',
      registers,
      async collect() {
        this.set(await onLeader(leader, () => orNaN(async () => (await backlog())?.count)));
      },
    });
    new Gauge({
      name: METRIC_NAMES.outboxOldestAge,
      help: 'Age of the oldest unpublished outbox message (0 when the outbox is empty)',
      registers,
      async collect() {
        this.set(await onLeader(leader, () => orNaN(async () => (await backlog())?.oldestAgeSeconds)));
      },
    });
    const reportedUnroutable = new Map<string, number>();
    new Counter({
      name: METRIC_NAMES.outboxUnroutable,
      help: 'Events the broker returned because no queue was bound for their routing key (they stay in the outbox and are published again)',
      labelNames: ['routing_key'],
      registers,
      collect() {
        for (const [key, total] of relay.unroutable) {
          const delta = total - (reportedUnroutable.get(key) ?? 0);
          if (delta > 0) this.inc({ routing_key: key }, delta);
          reportedUnroutable.set(key, total);
        }
      },
    });
    let reported = 0;
    new Counter({
      name: METRIC_NAMES.outboxPublished,
      help: 'Events published to the broker by this process',
      registers,
      collect() {
        const delta = relay.published - reported;
        if (delta > 0) this.inc(delta);
        reported = relay.published;
      },
    });
  }
}
