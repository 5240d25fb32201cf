import { z } from 'zod';
import type { ConsumerTopology } from '@chanjiao/messaging';
import { loadEnv, loadServiceEnv, ServiceEnv } from '@chanjiao/persistence';

const consumerEnvSchema = z.object({
  CONSUMER_QUEUE: z.string().min(1).default('reporting.events'),
  CONSUMER_PREFETCH: z.coerce.number().int().min(1).max(65535).default(2000),
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
  CONSUMER_DELIVERY_LIMIT: z.coerce.number().int().min(1).default(20),
  /** GB/T 2260 prefix of "local" regions (DESIGN.md §3); fixed per deployment. */
  LOCAL_REGION_PREFIX: z
    .string()
    .regex(/^\d{2,6}$/, 'two to six digits of a GB/T 2260 code, e.g. 6528')
    .default('6528'),
});

export type ReportingEnv = ServiceEnv & { PORT: number } & z.infer<typeof consumerEnvSchema>;

export function loadReportingEnv(env: NodeJS.ProcessEnv = process.env): ReportingEnv {
  return { ...loadServiceEnv('reporting', env), ...loadEnv(consumerEnvSchema, env) };
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
