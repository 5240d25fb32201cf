import { isPublicRoute } from '../limits/edge.config';
import { documentRequestExamples } from './examples';
import { documentProblems, type OpenApiDocument, pathsOf } from './problems';

/**
 * What every service's OpenAPI document says beyond its controllers' decorators, in one place: the errors of every
 * operation, the request bodies' examples, the probes' lack of a key, the optional `traceparent`. The document is the
 * contract integrators build against; the OpenAPI lint (redocly.yaml, test/openapi.e2e-spec.ts) checks it.
 */
export function completeDocument(document: OpenApiDocument & { info: object; servers?: Array<{ url: string }> }): void {
  Object.assign(document.info, { license: { name: 'UNLICENSED (proprietary)' } });
  // Relative: each service answers on its own host and port (behind the operator's proxy).
  if (!document.servers?.length) document.servers = [{ url: '/' }];
  for (const [url, path] of Object.entries(pathsOf(document)))
    for (const operation of Object.values(path)) {
      // The probes need no key (README "Limits at the edge").
      if (isPublicRoute(url)) Object.assign(operation, { security: [] });
      optionalTraceparent(operation as { parameters?: Array<Record<string, unknown>> });
    }
  documentProblems(document);
  documentRequestExamples(document);
}

/** `traceparent` is optional on every route: a request without one gets a new trace (bootstrap.ts `requestId`). */
function optionalTraceparent(operation: { parameters?: Array<Record<string, unknown>> }): void {
  for (const p of operation.parameters ?? []) {
    if (p.in !== 'header' || p.name !== 'traceparent') continue;
    p.required = false;
    p.description = 'W3C trace context; the events the request causes carry it (a new trace when absent)';
  }
}
