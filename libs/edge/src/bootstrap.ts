import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import { ConsoleLogger, Logger, LoggerService, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { childTraceparent, traceIdOf } from '@chanjiao/contracts';
import { decideLibraryFastPaths, type ServiceEnv } from '@chanjiao/config';
import { EdgeEnv, installEdge } from './limits';
import { completeDocument } from './openapi';
import { GlobalExceptionFilter } from './exception.filter';
import type { ErrorMessagesZh } from './error-zh';
import { JsonLogger } from './logging';
import { installHttpTracing, startTracing, stopTracing } from './tracing';
import { installHttpMetrics } from './metrics';
import { createValidationPipe } from './validation';

export interface ServiceAppOptions {
  /** The service's name: the `service` of every log line. */
  service: string;
  title: string;
  description: string;
  env: Pick<ServiceEnv, 'LOG_LEVEL' | 'LOG_ACCESS_SAMPLE' | 'OTEL_TRACES'> & EdgeEnv;
  /** JSON logs (default) for operators' log pipelines; plain text is easier to read in tests. */
  jsonLogs?: boolean;
  /** The Chinese of the service's own error codes (`Record<XErrorCode, string>` beside its enum; README "Errors"). */
  errorMessagesZh: ErrorMessagesZh;
  /** Runs before the app initialises (e.g. to connect a microservice transport, whose filters must be set first). */
  beforeInit?: (app: NestFastifyApplication) => void | Promise<void>;
}

const SPREADSHEET_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'application/octet-stream',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Correlation id = trace id. A request without a valid `traceparent` gets one here (its trace id from
 * a 32-hex `x-request-id`, else new), so every event the request causes carries it to reporting.
 */
function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined;
  const traced = traceIdOf(incoming);
  if (traced) return traced;
  const rid = req.headers['x-request-id'];
  const traceId = typeof rid === 'string' && /^[0-9a-f]{32}$/.test(rid) ? rid : hex32();
  req.headers.traceparent = childTraceparent(traceId, hex32().slice(0, 16));
  return traceId;
}

/** 32 random hex digits; randomUUID draws from a cached entropy pool, unlike randomBytes per call. */
const hex32 = () => randomUUID().replace(/-/g, '');

/** Trusts the nearest `hops` proxies (Fastify's own option takes the number too, but its types do not). */
const proxyHops =
  (hops: number) =>
  (_address: string, hop: number): boolean =>
    hop < hops;

/** Builds a service's Fastify app the same way for `main.ts` and for tests. */
export async function createServiceApp(module: Type, opts: ServiceAppOptions): Promise<NestFastifyApplication> {
  const levels = LEVELS.slice(0, LEVELS.indexOf(opts.env.LOG_LEVEL) + 1);
  await startTracing(opts.service, opts.env.OTEL_TRACES === 'on');
  const logger: LoggerService =
    (opts.jsonLogs ?? true) ? new JsonLogger(opts.service, opts.env.LOG_LEVEL) : new ConsoleLogger({ logLevels: levels });
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({
      // The largest JSON body; each route's own limit (edge/body-limits.ts) is applied before this one.
      bodyLimit: opts.env.BODY_LIMIT_BATCH_BYTES,
      // A socket idle this long is closed (a report stream and an import set their own, edge.ts); past the request
      // time-out, so that a request whose body stops coming is answered 408 first.
      connectionTimeout: 2 * opts.env.REQUEST_TIMEOUT_MS,
      // Behind a proxy, the client's address (limited per address) is the one the proxy forwards.
      trustProxy: typeof opts.env.TRUST_PROXY === 'number' ? proxyHops(opts.env.TRUST_PROXY) : opts.env.TRUST_PROXY,
      genReqId: requestId,
      requestIdHeader: false,
    }),
    // The JSON parser is the edge's (edge/json-body.ts), not Nest's.
    { logger, abortOnError: false, bodyParser: false },
  );
  // Once, at boot: which adapters use a library's internals and which its public API (README "Library internals").
  decideLibraryFastPaths();
  // File imports: a spreadsheet body is handed to the handler as a stream, never buffered whole.
  const fastify = app.getHttpAdapter().getInstance();
  installHttpMetrics(app);
  installAccessLog(app, opts.env.LOG_ACCESS_SAMPLE);
  // After the access log's hook: the correlation id (the trace id) stays the request's.
  installHttpTracing(app);
  installEdge(app, opts.env);
  fastify.addContentTypeParser(SPREADSHEET_TYPES, (_req, payload, done) => done(null, payload));
  // Graceful shutdown: requests in flight when the server closes are answered, with `Connection:
  // close` so that their keep-alive sockets end with them. Otherwise each such socket held the
  // shutdown for the whole keep-alive timeout (72 s), past any orchestrator's grace period.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  if (opts.env.OTEL_TRACES === 'on') fastify.addHook('onClose', async () => stopTracing());
  fastify.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  await app.register(multipart as never, {
    limits: { fileSize: opts.env.IMPORT_MAX_BYTES, files: 1, fields: 20, fieldSize: opts.env.BODY_LIMIT_OTHER_BYTES },
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new GlobalExceptionFilter(opts.errorMessagesZh));
  app.enableShutdownHooks();
  await opts.beforeInit?.(app);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(opts.title).setDescription(opts.description).setVersion('1').addBearerAuth().build(),
  );
  completeDocument(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/**
 * One structured line per request at the default level (`log`): method, route, status, time and the correlation id,
 * which the response also returns as `x-correlation-id`. LOG_ACCESS_SAMPLE (0–1) keeps that fraction of the successful
 * requests' lines; a 4xx or 5xx is always logged; a successful probe (`/health`) or scrape (`/metrics`) never.
 */
function installAccessLog(app: NestFastifyApplication, sample: number): void {
  const logger = new Logger('http');
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-correlation-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // Probes and scrapes that succeed say nothing: they would be most of the lines.
    const routine = /^\/(health|metrics)(\/|$)/.test(request.routeOptions?.url ?? '');
    if (reply.statusCode >= 400 || (!routine && (sample >= 1 || (sample > 0 && Math.random() < sample))))
      logger.log({
        msg: 'request',
        method: request.method,
        route: request.routeOptions?.url ?? request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        correlationId: request.id,
      });
    done();
  });
}
