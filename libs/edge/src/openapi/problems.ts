import { isImportRoute, isPublicRoute, isStreamRoute } from '../limits/edge.config';
import { PROBLEM_TYPE_BASE, problemTitle, toProblem } from '../error-body';

/** The parts of an OpenAPI document the post-processors here read and write. */
export interface OpenApiDocument {
  paths: object;
  components?: { schemas?: Record<string, unknown> };
}
/** The operations of a document by path and method. */
export const pathsOf = (document: OpenApiDocument) => document.paths as Record<string, Record<string, OpenApiOperation>>;
export interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: unknown; example?: unknown; examples?: unknown }> };
  responses?: Record<string, OpenApiResponse>;
  [extension: `x-${string}`]: unknown;
}
interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: unknown; example?: unknown }>;
}

const FIELD_ERROR_SCHEMA = {
  type: 'object',
  required: ['field', 'message'],
  properties: {
    field: {
      type: 'string',
      description: '出错的字段（路径如 `[1].name`） / the field at fault (a path such as `[1].name`)',
      example: 'name',
    },
    message: { type: 'string', example: 'name must be shorter than or equal to 200 characters' },
  },
};

/** The shared schema of every error answer (RFC 9457 problem details plus the fields clients read before). */
const PROBLEM_SCHEMA = {
  type: 'object',
  description:
    '错误应答（RFC 9457，application/problem+json） / every error answer: an RFC 9457 problem, with the stable `error` code, ' +
    'field errors and the correlation id. `statusCode` and `message` repeat `status` and `detail` for clients written before.',
  required: ['type', 'title', 'status', 'detail', 'statusCode', 'error', 'message'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description: `问题类型 / the problem type: \`${PROBLEM_TYPE_BASE}\` + the \`error\` code; an identifier, not a page (README "Errors" lists the codes)`,
      example: `${PROBLEM_TYPE_BASE}validation_failed`,
    },
    title: { type: 'string', description: '状态的标题，中文在前 / the title of the status, Chinese first', example: problemTitle(400) },
    status: { type: 'integer', description: 'HTTP status', example: 400 },
    detail: {
      type: 'string',
      description: '本次错误的说明 / what went wrong this time (Chinese first where it says so)',
      example: 'name must be a string',
    },
    instance: { type: 'string', format: 'uri-reference', description: '请求的路径 / the path of the request', example: '/programs/P1' },
    statusCode: { type: 'integer', description: '= status', example: 400 },
    error: { type: 'string', description: '稳定的错误码 / the stable error code (README "Errors")', example: 'validation_failed' },
    message: { type: 'string', description: '= detail', example: 'name must be a string' },
    errors: { type: 'array', description: '字段错误 / the fields at fault', items: { $ref: '#/components/schemas/FieldError' } },
    correlationId: {
      type: 'string',
      description: '关联 ID，日志中可查 / the correlation id (the trace id), also the `x-correlation-id` header; the logs carry it',
      example: '4bf92f3577b34da6a3ce929d0e0e4736',
    },
  },
};

/** What each status means on any operation that can give it, and the error code of its example. */
const GENERIC: Record<string, { description: string; error: string; detail: string }> = {
  '400': {
    description:
      'validation_failed (naming the field), malformed_json, invalid_text, invalid_encoding, invalid_cursor, institution_required, or a code of the route',
    error: 'validation_failed',
    detail: 'name must be a string',
  },
  '401': {
    description: 'missing_api_key / invalid_api_key / expired_api_key: checked before the body is read',
    error: 'missing_api_key',
    detail: '需要 API 密钥 / Authorization: Bearer <api key> is required',
  },
  '403': {
    description: "forbidden: the key's role, service or institution does not allow this route",
    error: 'forbidden',
    detail: '此密钥无权访问 / the key may not do this',
  },
  '404': { description: 'not found: the id in the path names nothing (the code names the kind)', error: 'not_found', detail: 'not found' },
  '408': {
    description: 'request_timeout: the request did not complete within REQUEST_TIMEOUT_MS',
    error: 'request_timeout',
    detail: '请求未在 30 秒内完成 / the request did not complete within 30 s',
  },
  '409': {
    description: 'a conflict with what is stored (the code says which: e.g. quota_exceeded, invalid_transition, date_conflict)',
    error: 'quota_exceeded',
    detail: 'conflict',
  },
  '413': {
    description: "body_too_large: over the route's body limit, answered before the body is read in full",
    error: 'body_too_large',
    detail: '请求体超过 1048576 字节 / the body is over 1048576 bytes',
  },
  '415': {
    description: "unsupported_media_type: a write's body must be JSON",
    error: 'unsupported_media_type',
    detail: 'unsupported media type',
  },
  '429': {
    description: "rate_limited: over the key's rate (or, without a valid key, the address's); Retry-After says when to retry",
    error: 'rate_limited',
    detail: '请求过于频繁，请 1 秒后重试 / too many requests; retry after 1 s',
  },
  '503': {
    description: 'database_unavailable: the database is away for now; Retry-After says when to send the request again',
    error: 'database_unavailable',
    detail: '数据库暂时不可用，请在 5 秒后重试 / the database is unavailable; retry after 5 s (Retry-After)',
  },
};

/** The errors an operation can give, from its route and method (the edge's answers come first: no handler declares them). */
export function errorsOf(url: string, method: string, operation: OpenApiOperation): string[] {
  const statuses = ['400', '401', '403', '413', '429', '503'];
  // A report stream is long-lived by design: no time-out applies to it.
  if (!isStreamRoute(url)) statuses.push('408');
  // An id in the path may name nothing.
  if (/\{\w+\}/.test(url)) statuses.push('404');
  const writes = method === 'post' || method === 'put' || method === 'patch' || method === 'delete';
  const importing = isImportRoute(method.toUpperCase(), url.replace(/\{(\w+)\}/g, ':$1'));
  if (operation.requestBody || importing) statuses.push('415');
  // A single write meets what is stored (a batch answers each item's conflict in its summary, with 200).
  if (writes && !url.includes(':batch')) statuses.push('409');
  return statuses.sort();
}

/**
 * Every error answer in the OpenAPI document: the `Problem` schema, and on every keyed operation each error it can give
 * ({@link errorsOf}) as `application/problem+json`. A response a controller declares itself keeps its description.
 * Probes (public) answer no errors of their own.
 */
export function documentProblems(document: OpenApiDocument): void {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.FieldError = FIELD_ERROR_SCHEMA;
  document.components.schemas.Problem = PROBLEM_SCHEMA;
  for (const [url, path] of Object.entries(pathsOf(document))) {
    if (isPublicRoute(url)) continue;
    for (const [method, operation] of Object.entries(path)) {
      operation.responses ??= {};
      for (const status of errorsOf(url, method, operation)) {
        const generic = GENERIC[status]!;
        const response = (operation.responses[status] ??= { description: generic.description });
        const example = toProblem(
          {
            statusCode: Number(status),
            error: generic.error,
            message: generic.detail,
            correlationId: PROBLEM_SCHEMA.properties.correlationId.example,
          },
          url.replace(/\{\w+\}/g, 'X1'),
        );
        response.content ??= { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, example } };
      }
      // Statuses a controller declared beyond these (e.g. 400 of a report's parameters) share the schema too.
      for (const [status, response] of Object.entries(operation.responses))
        if (/^[45]\d\d$/.test(status))
          response.content ??= { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    }
  }
}
