import type { ServiceEnv } from '@chanjiao/persistence';

/** The settings of the HTTP edge (README "Limits at the edge"), all from the service's env with defaults. */
export type EdgeEnv = Pick<
  ServiceEnv,
  | 'BODY_LIMIT_JSON_BYTES'
  | 'BODY_LIMIT_BATCH_BYTES'
  | 'IMPORT_MAX_BYTES'
  | 'BODY_LIMIT_OTHER_BYTES'
  | 'RATE_LIMIT_PER_KEY'
  | 'RATE_LIMIT_PER_ADDRESS'
  | 'REQUEST_TIMEOUT_MS'
  | 'IMPORT_TIMEOUT_MS'
  | 'CORS_ORIGINS'
  | 'METRICS_TOKEN'
>;

/** Routes anyone may call without a key: probes and the published API contract (README says why /docs is public). */
export function isPublicRoute(routeUrl: string | undefined): boolean {
  if (routeUrl === undefined) return false;
  return routeUrl === '/health' || routeUrl.startsWith('/health/') || routeUrl === '/docs' || routeUrl.startsWith('/docs/');
}

/** `POST /imports/:entity`: the one route whose body is a file, streamed into the import. */
export function isImportRoute(method: string, routeUrl: string | undefined): boolean {
  return method === 'POST' && routeUrl === '/imports/:entity';
}

/** The server-sent events of reporting: long-lived by design, so no time-out applies. */
export function isStreamRoute(routeUrl: string | undefined): boolean {
  return routeUrl === '/reports/stream';
}

/** The answer of every refusal at the edge, in the shape of the exception filter's (`ErrorBody`). */
export function edgeError(statusCode: number, error: string, message: string, correlationId: string, field?: string) {
  return Object.assign({ statusCode, error, message }, field ? { errors: [{ field, message }] } : {}, { correlationId });
}
