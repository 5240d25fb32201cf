import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { ApiKeyStore } from '@chanjiao/auth';
import { PROBLEM_CONTENT_TYPE } from '../error-body';
import { Metrics } from '../metrics';
import { bodyKind, bodyLimit, ByteCounter, tooLargeMessage } from './body-limits';
import { edgeError, EdgeEnv, isImportRoute, isPublicRoute, isStreamRoute } from './edge.config';
import { installJsonParser } from './json-body';
import { bearerOf, checkKey, isMetricsToken } from './key-check';
import { TokenBuckets } from './rate-limit';
import { applyCors, CONTENT_SECURITY_POLICY, isHtml, setSecurityHeaders } from './security-headers';

interface EdgeState {
  /** The byte limit of the request's body. */
  limit: number;
  timer?: NodeJS.Timeout;
  /** The timer stops once the body is read (imports: once answered, as they read their body while they run). */
  untilAnswered: boolean;
}
const EDGE = Symbol('edge');
type EdgeRequest = FastifyRequest & { [EDGE]?: EdgeState };

/** A body follows the headers: the answer then closes the connection, so that the body is never read. */
const bodyComing = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/** Addresses by which requests without a valid key are limited: an IPv6 client holds a whole /64, so that is one. */
export function addressKey(ip: string): string {
  if (!ip.includes(':') || ip.startsWith('::ffff:')) return ip;
  const groups = ip.split('::')[0]!.split(':');
  return ip.includes('::') && groups.length < 4 ? ip : `${groups.slice(0, 4).join(':')}::/64`;
}

/** Bytes and time a connection closed on an unread body may still take in (and drop) after its answer. */
const LINGER_BYTES = 8 * 1024 * 1024;
const LINGER_MS = 2000;

/**
 * Closes a connection whose body was refused unread without losing the answer. Closing a socket with unread bytes
 * sends a reset, and a client still sending its body then loses the answer it had already received (it sees
 * ECONNRESET instead of 413/401). So Node's close after the answer (`destroySoon`) becomes a lingering close, as
 * nginx does: the answer and FIN are sent, what the client still sends is dropped (never buffered) for at most
 * {@link LINGER_MS} and {@link LINGER_BYTES}, and the socket is destroyed then or when the client closes.
 */
export function lingerOnClose(request: IncomingMessage): void {
  const socket = request.socket;
  socket.destroySoon = function lingeringClose(this: Socket) {
    this.end();
    let dropped = 0;
    const stop = () => this.destroy();
    const timer = setTimeout(stop, LINGER_MS).unref();
    // The HTTP parser reads the socket for the request: flowing with no reader but this count, its bytes are dropped.
    request.on('data', (c: Buffer) => {
      dropped += c.length;
      if (dropped > LINGER_BYTES) stop();
    });
    request.resume();
    this.once('close', () => clearTimeout(timer));
    this.once('end', stop);
  };
}

/**
 * The HTTP edge of a service, before Nest sees a request (README "Limits at the edge"): security headers and CORS;
 * the key checked before the body is read (ApiKeyGuard then checks its access with the principal found here); rate
 * limits per key and per address; body limits per route, up front by Content-Length and while a chunked body
 * streams; time-outs; the JSON parser that refuses bytes and text PostgreSQL cannot store.
 */
export function installEdge(app: NestFastifyApplication, env: EdgeEnv): void {
  const fastify = app.getHttpAdapter().getInstance();
  const logger = new Logger('edge');
  const store = app.get(ApiKeyStore, { strict: false });
  let metrics: Metrics | undefined;
  try {
    metrics = app.get(Metrics, { strict: false });
  } catch {
    metrics = undefined; // an app built without PlatformModule
  }
  const perKey = env.RATE_LIMIT_PER_KEY ? new TokenBuckets(env.RATE_LIMIT_PER_KEY) : undefined;
  const perAddress = env.RATE_LIMIT_PER_ADDRESS ? new TokenBuckets(env.RATE_LIMIT_PER_ADDRESS) : undefined;

  installJsonParser(fastify, env.BODY_LIMIT_BATCH_BYTES);
  // `Expect: 100-continue` (curl sends it for bodies over 1 MB): Node would answer 100 Continue before any hook ran,
  // inviting the body; here the request goes on without it, and 100 Continue is sent once the key and the limits
  // passed (end of the onRequest hook). A refused request gets its final answer instead, and the body never comes.
  fastify.server.on('checkContinue', (req, res) => fastify.server.emit('request', req, res));

  const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, error: string, message: string) => {
    if (bodyComing(request)) {
      void reply.header('connection', 'close');
      lingerOnClose(request.raw);
    }
    return reply
      .code(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(edgeError(status, error, message, request.id, request.url, request.headers['accept-language']));
  };

  /** 429 when `id`'s bucket is empty, else undefined. */
  const limited = (
    request: FastifyRequest,
    reply: FastifyReply,
    buckets: TokenBuckets | undefined,
    kind: 'key' | 'address',
    id: string,
  ) => {
    const wait = buckets?.take(id) ?? 0;
    if (wait === 0) return undefined;
    metrics?.rateLimited.inc({ kind });
    if (buckets!.shouldWarn(id)) logger.warn(`rate limit: ${kind} ${id} is over its limit; answering 429 (logged once a minute)`);
    void reply.header('retry-after', String(wait));
    return refuse(request, reply, 429, 'rate_limited', `请求过于频繁，请 ${wait} 秒后重试 / too many requests; retry after ${wait} s`);
  };

  fastify.addHook('onRequest', async (request: EdgeRequest, reply) => {
    setSecurityHeaders(reply);
    if (applyCors(request, reply, env.CORS_ORIGINS)) return reply.code(204).send();
    const route = request.routeOptions.url;
    const path = request.url.split('?', 1)[0]!;

    if (isPublicRoute(route)) {
      // Probes are never limited; the contract is, like anything without a key.
      if (!route!.startsWith('/health')) {
        const r = limited(request, reply, perAddress, 'address', addressKey(request.ip));
        if (r) return r;
      }
    } else if (route === '/metrics' && env.METRICS_PORT !== undefined) {
      // Served on its own port (MetricsServer): not here.
      return refuse(request, reply, 404, 'not_found', `指标在端口 METRICS_PORT 上 / /metrics is served on METRICS_PORT`);
    } else if (route === '/metrics' && isMetricsToken(bearerOf(request), env.METRICS_TOKEN)) {
      // Prometheus's token: no key of the keys database, limited as its address.
      const r = limited(request, reply, perAddress, 'address', addressKey(request.ip));
      if (r) return r;
    } else {
      const key = await checkKey(request, store);
      if (!key.ok) {
        metrics?.authFailures.inc({ reason: key.error });
        // Bad and missing keys count against the address they come from, ahead of the 401.
        return (
          limited(request, reply, perAddress, 'address', addressKey(request.ip)) ?? refuse(request, reply, 401, key.error, key.message)
        );
      }
      const r = limited(request, reply, perKey, 'key', key.principal.keyId);
      if (r) return r;
      if (route === '/metrics' && key.principal.role !== 'admin') {
        return refuse(
          request,
          reply,
          403,
          'forbidden',
          '指标仅供管理员密钥或 METRICS_TOKEN 读取 / /metrics needs an admin key or the METRICS_TOKEN',
        );
      }
    }

    const limit = bodyLimit(bodyKind(request.method, route, path, request.headers['content-type']), env);
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > limit) return refuse(request, reply, 413, 'body_too_large', tooLargeMessage(limit));

    const importing = isImportRoute(request.method, route);
    const ms = isStreamRoute(route) ? 0 : importing ? env.IMPORT_TIMEOUT_MS : env.REQUEST_TIMEOUT_MS;
    const state: EdgeState = { limit, untilAnswered: importing };
    request[EDGE] = state;
    // The socket's idle time-out (connectionTimeout) would end a report stream between heartbeats or a slow import.
    if (isStreamRoute(route)) request.raw.socket.setTimeout(0);
    else if (importing) request.raw.socket.setTimeout(env.IMPORT_TIMEOUT_MS);
    if (/100-continue/i.test(request.headers.expect ?? '')) reply.raw.writeContinue();
    if (ms > 0) {
      state.timer = setTimeout(() => {
        if (reply.sent || reply.raw.headersSent) {
          request.raw.destroy();
          return;
        }
        const s = Math.round(ms / 1000);
        void refuse(request, reply, 408, 'request_timeout', `请求未在 ${s} 秒内完成 / the request did not complete within ${s} s`).header(
          'connection',
          'close',
        );
      }, ms);
      state.timer.unref();
    }
  });

  // A chunked body is counted as it streams. A multipart body is not: @fastify/multipart reads the socket itself,
  // and its own limits (fileSize, registered with IMPORT_MAX_BYTES) hold it.
  fastify.addHook('preParsing', async (request: EdgeRequest, reply, payload) => {
    const state = request[EDGE];
    if (!state || request.headers['content-length'] !== undefined || request.headers['content-type']?.startsWith('multipart/'))
      return payload;
    const counter = new ByteCounter(state.limit, () => {
      payload.unpipe(counter);
      payload.pause();
      void reply.header('connection', 'close');
      lingerOnClose(request.raw);
    });
    (payload as Readable).on('error', (e) => counter.destroy(e));
    return payload.pipe(counter) as unknown as typeof payload;
  });

  const stopTimer = (request: EdgeRequest) => clearTimeout(request[EDGE]?.timer);
  fastify.addHook('preHandler', async (request: EdgeRequest) => {
    if (!request[EDGE]?.untilAnswered) stopTimer(request);
  });
  fastify.addHook('onResponse', async (request: EdgeRequest) => stopTimer(request));
  fastify.addHook('onRequestAbort', async (request: EdgeRequest) => stopTimer(request));

  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (isHtml(reply.getHeader('content-type'))) void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return payload;
  });
}
