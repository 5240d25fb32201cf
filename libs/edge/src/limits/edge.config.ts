import type { ServiceEnv } from '@chanjiao/config';
import { type ProblemBody, toProblem } from '../error-body';

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

/**
 * The answer of every refusal at the edge, the exception filter's problem (`ProblemBody`), for the request at `url` in
 * the language its `Accept-Language` prefers (the codes are the libraries': their Chinese is known to the edge).
 */
export function edgeError(
  statusCode: number,
  error: string,
  message: string,
  correlationId: string,
  url: string,
  acceptLanguage?: string | string[],
): ProblemBody {
  return toProblem({ statusCode, error, message, correlationId }, url, { acceptLanguage });
}
