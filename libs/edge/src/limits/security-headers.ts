import type { FastifyReply, FastifyRequest } from 'fastify';

/** Sent on every response, refusals at the edge included. */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * The policy of any HTML page served: /docs (Swagger UI, whose scripts, styles and images are its own files, served
 * from 'self'; it sets some styles inline and shows its logo as a data: URL) and reporting's /dashboard (its own
 * bundle, ECharts inside, which needs no eval; its empty favicon is a data: URL; it calls the API of 'self').
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setSecurityHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
}

/** Whether a response is an HTML page (it then gets the content security policy). */
export function isHtml(contentType: unknown): boolean {
  return typeof contentType === 'string' && /^text\/html\b/i.test(contentType);
}

// x-institution: a bureau's dashboard names the institution each request acts for.
const ALLOW_HEADERS = 'authorization, content-type, traceparent, x-request-id, x-institution';
const EXPOSE_HEADERS = 'x-correlation-id, retry-after';

/**
 * CORS for the configured origins only: their requests get `Access-Control-Allow-Origin`, others nothing (a browser
 * then keeps the answer from the page). Returns true when the request was an allowed preflight (answered 204 by the caller).
 */
export function applyCors(request: FastifyRequest, reply: FastifyReply, origins: readonly string[]): boolean {
  if (origins.length === 0) return false;
  void reply.header('vary', 'Origin');
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || !origins.includes(origin)) return false;
  void reply.header('access-control-allow-origin', origin);
  void reply.header('access-control-expose-headers', EXPOSE_HEADERS);
  if (request.method !== 'OPTIONS' || !request.headers['access-control-request-method']) return false;
  void reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
  void reply.header('access-control-allow-headers', ALLOW_HEADERS);
  void reply.header('access-control-max-age', '600');
  return true;
}
