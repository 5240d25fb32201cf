/**
 * Every Prometheus metric the services export, named once: the names dashboards, alerts and tests read. The HTTP edge,
 * the outbox relay, background workers and reporting's consumer and projections register theirs from here; a name
 * written as a literal anywhere else fails `metric-names.spec.ts`.
 */
export const METRIC_NAMES = {
  /** HTTP request duration by method, route pattern and status (the edge). */
  httpRequestDuration: 'http_request_duration_seconds',
  httpRateLimited: 'chanjiao_http_rate_limited_total',
  outboxBacklog: 'chanjiao_outbox_backlog',
  outboxOldestAge: 'chanjiao_outbox_oldest_age_seconds',
  outboxUnroutable: 'chanjiao_outbox_unroutable_total',
  outboxPublished: 'chanjiao_outbox_published_total',
  workerPaused: 'chanjiao_worker_paused',
  workerPauses: 'chanjiao_worker_pauses_total',
  consumerApplied: 'chanjiao_consumer_applied_total',
  consumerRenewed: 'chanjiao_consumer_renewed_total',
  consumerDuplicates: 'chanjiao_consumer_duplicates_total',
  consumerRetried: 'chanjiao_consumer_retried_total',
  consumerDeadLettered: 'chanjiao_consumer_dead_lettered_total',
  consumerBatches: 'chanjiao_consumer_batches_total',
  consumerQueueDepth: 'chanjiao_consumer_queue_depth',
  projectionLag: 'chanjiao_projection_lag_seconds',
  /** Events dead-lettered and waiting in the consumer's DLQ (shared state: exported by the leader only). */
  deadLetterDepth: 'chanjiao_dead_letter_queue_depth',
  /** Events parked in stream_pending, waiting for their predecessor (shared state: the leader only). */
  parkedEvents: 'chanjiao_parked_events',
  /** 1 on the instance that exports the gauges of shared state (outbox backlog, queue and DLQ depth, parked events). */
  metricsLeader: 'chanjiao_metrics_leader',
  /** The broker connection: 1 up, 0 down (a /health detail, not readiness). */
  brokerUp: 'chanjiao_broker_up',
  /** File imports finished, by outcome. */
  imports: 'chanjiao_imports_total',
  /** Requests refused 401/403, by reason. */
  authFailures: 'chanjiao_auth_failures_total',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];
