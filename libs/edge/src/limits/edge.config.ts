import type { ServiceEnv } from '@chanjiao/config';

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
  | 'METRICS_PORT'
  | 'TRUST_PROXY'
>;

/**
 * Routes anyone may call without a key: probes, the published API contract (README says why /docs is public) and
 * reporting's dashboard page and files (they hold no data; the page reads the reports with its user's key).
 */
export function isPublicRoute(routeUrl: string | undefined): boolean {
  return routeUrl !== undefined && PUBLIC_ROUTE.test(routeUrl);
}
const PUBLIC_ROUTE = /^\/(health|docs|dashboard)(\/|$)/;

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

/**
 * The edge's answers in the OpenAPI document, on every keyed operation that does not describe them itself: they come
 * before the route's handler, so no controller declares them (README "Limits at the edge").
 */
export function documentEdgeAnswers(document: { paths: object }): void {
  const answers: Record<string, string> = {
    '401': 'missing_api_key / invalid_api_key: checked before the body is read',
    '408': 'request_timeout: the body did not arrive within REQUEST_TIMEOUT_MS',
    '413': "body_too_large: over the route's body limit, answered before the body is read in full",
    '429': "rate_limited: over the key's rate (or, without a valid key, the address's); Retry-After says when to retry",
  };
  for (const [url, path] of Object.entries(document.paths) as Array<[string, Record<string, { responses?: Record<string, unknown> }>]>) {
    if (isPublicRoute(url)) continue;
    for (const operation of Object.values(path)) {
      operation.responses ??= {};
      for (const [status, description] of Object.entries(answers)) operation.responses[status] ??= { description };
    }
  }
}
