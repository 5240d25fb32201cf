import { Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { METRIC_NAMES } from './metric-names';

/**
 * The app's Prometheus registry. One per app instance (never prom-client's global registry), so
 * several apps in one process (tests) do not collide. Every series carries `app` (the service's name): not `service`,
 * which Prometheus Operator overwrites with the Kubernetes Service's name (as `exported_service`).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Requests refused 429 at the edge, by whose bucket was empty (`key` or `address`). */
  readonly rateLimited: Counter<'kind'>;
  /** Requests refused 401 (`missing_api_key`, `invalid_api_key`, `expired_api_key`) or 403 (`forbidden`). */
  readonly authFailures: Counter<'reason'>;
  /** File imports finished: `completed`, `completed_with_errors` (some rows refused), `rejected` (the file), `interrupted`, `failed`. */
  readonly imports: Counter<'outcome'>;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ app: service });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: METRIC_NAMES.httpRequestDuration,
      help: 'HTTP request duration by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.rateLimited = new Counter({
      name: METRIC_NAMES.httpRateLimited,
      help: 'HTTP requests refused 429 by the rate limit, by kind (key: a valid key over its rate; address: requests without a valid key from one address)',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    this.authFailures = new Counter({
      name: METRIC_NAMES.authFailures,
      help: 'Requests refused 401 or 403, by reason (missing_api_key, invalid_api_key, expired_api_key, forbidden)',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.imports = new Counter({
      name: METRIC_NAMES.imports,
      help: 'File imports finished, by outcome (completed, completed_with_errors, rejected: the file was refused, interrupted: by a shutdown, failed)',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
  }

  /** Prometheus text exposition of every metric (collectors run now, e.g. the outbox backlog query). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Records every HTTP response (incl. 401s from guards and 404s) in the duration histogram. */
export function installHttpMetrics(app: NestFastifyApplication): void {
  let metrics: Metrics;
  try {
    metrics = app.get(Metrics, { strict: false });
  } catch {
    return; // an app built without PlatformModule
  }
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route pattern (`/enrollments/:id`), never the raw URL: label values must stay few.
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    // 401s are counted by reason where they are decided (edge.ts); a 403 comes from the edge or a guard.
    if (reply.statusCode === 403) metrics.authFailures.inc({ reason: 'forbidden' });
    done();
  });
}

/** Reads a gauge value at scrape time; a failure (e.g. database down) yields NaN instead of failing the scrape. */
export async function orNaN(read: () => Promise<number | null | undefined>): Promise<number> {
  try {
    const v = await read();
    return v === null || v === undefined ? NaN : v;
  } catch {
    return NaN;
  }
}

/**
 * One read per scrape, shared by the gauges that need it: a scrape collects all metrics concurrently, so the calls
 * made while one read is pending share it.
 */
export function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => (pending ??= read().finally(() => (pending = null)));
}
