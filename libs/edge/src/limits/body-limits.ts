import { Transform, TransformCallback } from 'node:stream';
import { EdgeEnv, isImportRoute } from './edge.config';

export type BodyKind = 'json' | 'batch' | 'import' | 'other';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Which limit a request's body is held to, from its route and content type (known before the body is read). */
export function bodyKind(method: string, routeUrl: string | undefined, path: string, contentType: string | undefined): BodyKind {
  const json = contentType !== undefined && JSON_TYPE.test(contentType);
  // A JSON body on the import route is parsed whole in memory like any JSON: it gets a JSON limit, not a file's.
  if (!json && isImportRoute(method, routeUrl)) return 'import';
  if (json && WRITE_METHODS.has(method)) return path.endsWith(':batch') ? 'batch' : 'json';
  return 'other';
}

export function bodyLimit(kind: BodyKind, env: EdgeEnv): number {
  switch (kind) {
    case 'json':
      return env.BODY_LIMIT_JSON_BYTES;
    case 'batch':
      return env.BODY_LIMIT_BATCH_BYTES;
    case 'import':
      return env.IMPORT_MAX_BYTES;
    case 'other':
      return env.BODY_LIMIT_OTHER_BYTES;
  }
}

/** The Chinese-first message of a 413. */
export function tooLargeMessage(limit: number | undefined): string {
  return limit === undefined
    ? '上传的文件超过 IMPORT_MAX_BYTES 上限 / the file exceeds IMPORT_MAX_BYTES'
    : `请求体超过 ${limit} 字节的上限 / the request body exceeds the limit of ${limit} bytes`;
}

/** The error a body over its limit fails with while it is read; the exception filter answers it 413 `body_too_large`. */
export class BodyTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'FST_ERR_CTP_BODY_TOO_LARGE';
  /** `limit` undefined: a multipart file over IMPORT_MAX_BYTES, whose limit the import controller does not hold. */
  constructor(readonly limit: number | undefined) {
    super(tooLargeMessage(limit));
  }
}

/**
 * Passes a body through while counting its bytes; past `limit` it fails with {@link BodyTooLargeError} and reads no
 * more (`onExceeded` unpipes the socket, so the rest of a chunked body is never read). For bodies without a
 * Content-Length (chunked): one with it was refused up front.
 */
export class ByteCounter extends Transform {
  private received = 0;

  constructor(
    private readonly limit: number,
    private readonly onExceeded: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.limit) {
      this.onExceeded();
      done(new BodyTooLargeError(this.limit));
      return;
    }
    done(null, chunk);
  }
}
