import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '@chanjiao/persistence';
import { DomainError, DomainErrorKind } from '@chanjiao/domain';
import { type ErrorBody, PROBLEM_CONTENT_TYPE, toProblem } from './error-body';

/**
 * Seconds a client is asked to wait (`Retry-After`) when the database is away. A retried write is safe: a repeat of a
 * write that did commit is a no-op (DESIGN.md §4), and one that did not is applied then.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const STATUS: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
};

/** Fastify's own request errors (before Nest sees the body), mapped to stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  // @fastify/multipart's file size limit (IMPORT_MAX_BYTES), met while a chunked multipart body streams.
  FST_REQ_FILE_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

/**
 * The one place errors become HTTP answers: an RFC 9457 problem (`application/problem+json`) with a stable `error` code,
 * a message, field errors; never a stack.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const body = this.toBody(exception);
    body.correlationId = request.id;
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) {
      // An outage, not a defect: one line without a stack, and the client told when to try again.
      this.logger.warn(`${request.method} ${request.url} [${request.id}]: database unavailable (${(exception as Error)?.message})`);
      void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (body.statusCode >= 500) {
      this.logger.error(`${request.method} ${request.url} failed [${request.id}]: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    void reply.status(body.statusCode).type(PROBLEM_CONTENT_TYPE).send(toProblem(body, request.url));
  }

  /** Body parsing fails inside Fastify; Nest may hand it over as is or wrapped (as `cause`). */
  private fastifyBodyError(exception: unknown): ErrorBody | undefined {
    const candidates = [exception, (exception as { cause?: unknown })?.cause];
    for (const c of candidates) {
      const e = c as { code?: string; statusCode?: number; message?: string } | undefined;
      const code = e?.code ? FASTIFY_CODES[e.code] : undefined;
      if (code) {
        const statusCode = e!.statusCode && e!.statusCode < 500 ? e!.statusCode : 400;
        return { statusCode, error: code, message: e!.message ?? 'bad request', errors: [{ field: 'body', message: e!.message ?? code }] };
      }
    }
    if (exception instanceof HttpException && exception.getStatus() === 400 && /not valid JSON|JSON body/i.test(exception.message)) {
      return {
        statusCode: 400,
        error: 'malformed_json',
        message: exception.message,
        errors: [{ field: 'body', message: exception.message }],
      };
    }
    return undefined;
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return Object.assign(
        { statusCode: STATUS[exception.kind], error: exception.code, message: exception.message },
        exception.field ? { errors: [{ field: exception.field, message: exception.message }] } : {},
      );
    }
    const fastifyBody = this.fastifyBodyError(exception);
    if (fastifyBody) return fastifyBody;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null) {
        const r = response as Partial<ErrorBody> & { message?: unknown };
        return Object.assign(
          {
            statusCode: status,
            error: typeof r.error === 'string' ? snake(r.error) : defaultCode(status),
            message: Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? exception.message),
          },
          r.errors ? { errors: r.errors } : {},
        );
      }
      return { statusCode: status, error: defaultCode(status), message: String(response) };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'database_unavailable',
        message: `数据库暂时不可用，请在 ${DATABASE_RETRY_AFTER_SECONDS} 秒后重试 / the database is unavailable; retry after ${DATABASE_RETRY_AFTER_SECONDS} s (Retry-After): a write that is repeated is applied once`,
      };
    }
    const fastify = exception as { statusCode?: number; message?: string };
    if (fastify?.statusCode && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      return { statusCode: fastify.statusCode, error: defaultCode(fastify.statusCode), message: fastify.message ?? 'bad request' };
    }
    return { statusCode: 500, error: 'internal_error', message: 'internal error; the correlation id locates it in the logs' };
  }
}

const snake = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
function defaultCode(status: number): string {
  return snake(HttpStatus[status] ?? 'error');
}
