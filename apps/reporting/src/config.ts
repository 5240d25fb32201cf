import { z } from 'zod';
import { ConsumerTopology, prefetchForBatches } from '@chanjiao/messaging';
import { loadEnv, loadServiceEnv, ServiceEnv, zTimeZone } from '@chanjiao/config';

const consumerEnvSchema = z.object({
  CONSUMER_QUEUE: z.string().min(1).default('reporting.events'),
  /**
   * Deliveries the broker may push ahead of their acks; by default the batches in flight (`prefetchForBatches`): with
   * 2,000 reporting spent 69–73 µs of CPU per ingested event, with 1,000 45–62 (BENCHMARKS.md).
   */
  CONSUMER_PREFETCH: z.coerce.number().int().min(1).max(65535).optional(),
  CONSUMER_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  CONSUMER_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(10000).default(20),
  /**
   * Batches in flight at once. With 2 the next batch begins and is projected while one commits; batches still
   * take their locks and commit in delivery order, so a report never shows an event before an earlier one.
   */
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(2),
  /** Delay of each retry tier; after the last one a failing event is dead-lettered. */
  CONSUMER_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds, e.g. 1000,5000,30000')
    .default('1000,5000,30000')
    .transform((s) => s.split(',').map(Number)),
  /**
   * The work queue's x-delivery-limit. High enough that a crash loop killing the consumer as soon as it takes its window
   * (which leaves it no time to renew) cannot reach it; a message that itself crashes the consumer reaches the DLQ
   * after about 120 crashes (renewed twice from its 10th delivery).
   */
  CONSUMER_DELIVERY_LIMIT: z.coerce.number().int().min(1).default(100),
  /** Open `GET /reports/stream` connections one key may hold (per reporting instance); one more is 429 too_many_streams. */
  REPORT_STREAMS_PER_KEY: z.coerce.number().int().min(1).max(10000).default(8),
  /** The zone whose calendar day is a report's default `asOf` (read where reports compute it; checked here at boot). */
  REPORT_TIMEZONE: zTimeZone.default('Asia/Shanghai'),
  /** GB/T 2260 prefix of "local" regions (DESIGN.md §3); fixed per deployment. */
  LOCAL_REGION_PREFIX: z
    .string()
    .regex(/^\d{2,6}$/, 'two to six digits of a GB/T 2260 code, e.g. 6528')
    .default('6528'),
});

export type ReportingEnv = ServiceEnv & { PORT: number } & Omit<z.infer<typeof consumerEnvSchema>, 'CONSUMER_PREFETCH'> & {
    CONSUMER_PREFETCH: number;
  };

export function loadReportingEnv(env: NodeJS.ProcessEnv = process.env): ReportingEnv {
  const consumer = loadEnv(consumerEnvSchema, env);
  const prefetch = consumer.CONSUMER_PREFETCH ?? prefetchForBatches(consumer.CONSUMER_BATCH_SIZE, consumer.CONSUMER_CONCURRENCY);
  return { ...loadServiceEnv('reporting', env), ...consumer, CONSUMER_PREFETCH: prefetch };
}

/** The reporting consumer's queues; also declared by `npm run migrate` so no event published before the first start is lost. */
export function reportingTopology(env: ReportingEnv): ConsumerTopology {
  return {
    exchange: env.EVENTS_EXCHANGE,
    queue: env.CONSUMER_QUEUE,
    bindings: ['#'],
    retryDelaysMs: env.CONSUMER_RETRY_DELAYS_MS,
    deliveryLimit: env.CONSUMER_DELIVERY_LIMIT,
  };
}

/** LOCAL_REGION_PREFIX alone, checked as at boot: for a migration that recounts what the projections count with it. */
export function localRegionPrefixOf(env: NodeJS.ProcessEnv = process.env): string {
  return loadEnv(consumerEnvSchema.pick({ LOCAL_REGION_PREFIX: true }), env).LOCAL_REGION_PREFIX;
}
