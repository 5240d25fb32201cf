import { z } from 'zod';
import { zAmqpUrls } from './amqp-urls';
import { loadEnv, zBool } from './env';
import { zLibraryFastPaths } from './library-fast-path';
import { zRateLimit } from './rate-limit-setting';
import { resolveSecretEnv, secretFromEnv } from './secret-env';

const MiB = 1024 * 1024;

/** A byte count, e.g. `1048576`; at least 1 KiB so that no setting refuses every request. */
const zBytes = z.coerce.number().int().min(1024);

/** Environment every service reads. */
export const serviceEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  AUTH_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** One broker, or the nodes of one cluster separated by commas (tried in turn on reconnect). */
  AMQP_URL: zAmqpUrls.default('amqp://guest:guest@127.0.0.1:5672'),
  EVENTS_EXCHANGE: z.string().min(1).default('chanjiao.events'),
  MIGRATIONS_RUN: zBool.default(true),
  /** Import limits (README "Import limits"); unset, the defaults of libs/imports/src/import-limits.ts. */
  IMPORT_MAX_INFLATED_BYTES: z.coerce.number().int().min(1).optional(),
  IMPORT_MAX_INFLATE_RATIO: z.coerce.number().min(1).optional(),
  IMPORT_MAX_SHARED_STRINGS_BYTES: z.coerce.number().int().min(1).optional(),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).optional(),
  IMPORT_MAX_CELL_CHARS: z.coerce.number().int().min(1).optional(),
  /** Bytes of an upload past which it runs as a job (202); 0: every import answers when it is done. */
  IMPORT_JOB_BYTES: z.coerce.number().int().min(0).optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  /** Per-institution quotas (Quota in @chanjiao/write), each read by the service that holds those records. */
  MAX_PROGRAMS_PER_INSTITUTION: z.coerce.number().int().min(0).default(10_000),
  MAX_ALLIANCES_PER_INSTITUTION: z.coerce.number().int().min(0).default(1_000),
  // Limits at the edge (README "Limits at the edge"): each refused with its status code before the body is read.
  /** A JSON body of a single write (POST/PUT/PATCH). */
  BODY_LIMIT_JSON_BYTES: zBytes.default(1 * MiB),
  /** A JSON body of a `:batch` route: a 5,000-item batch of the widest entity is about 2 MB. */
  BODY_LIMIT_BATCH_BYTES: zBytes.default(16 * MiB),
  /** A file import (CSV/XLSX body or multipart): a 256 MiB CSV, with its multipart framing, must still import. */
  IMPORT_MAX_BYTES: zBytes.default(512 * MiB),
  /** Any other body (GETs, unknown routes, other content types). */
  BODY_LIMIT_OTHER_BYTES: zBytes.default(64 * 1024),
  /** Requests per second (and burst) of one key; the benchmark's 20,000 reads/s from one key set it higher. */
  RATE_LIMIT_PER_KEY: zRateLimit.prefault('2000:4000'),
  /** Requests per second (and burst) of one client address without a valid key (missing or bad keys, /docs). */
  RATE_LIMIT_PER_ADDRESS: zRateLimit.prefault('50:500'),
  /** Time to receive a request's body (an import: to finish); 0 turns it off. `GET /reports/stream` is exempt. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(120_000),
  /** Time an import request may take in all (it reads its body while it writes). */
  IMPORT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60 * 60_000),
  /** Origins allowed to call the API from a browser, comma-separated (`https://dash.example.edu`); none by default. */
  CORS_ORIGINS: z
    .string()
    .prefault('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
    )
    .refine(
      (list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)),
      'a comma-separated list of origins, e.g. https://dash.example.edu',
    ),
  /**
   * Whose `X-Forwarded-For` to believe for the client address (rate limits per address): unset, none (the peer is the
   * client); `true`, any; a number, that many proxy hops; else a comma-separated list of proxy addresses or CIDRs.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v): boolean | number | string =>
      v === undefined || v === 'false' ? false : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v,
    ),
  /** A bearer token that may read `GET /metrics` besides an admin key (for Prometheus); or `METRICS_TOKEN_FILE`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Serves `GET /metrics` on this port instead of the API's (0: any free port); the same token or admin key reads it. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** The fraction (0–1) of successful requests that get an access log line; a 4xx or 5xx always gets one. */
  LOG_ACCESS_SAMPLE: z.coerce.number().min(0).max(1).default(1),
  /** OpenTelemetry tracing (`on`): spans of HTTP requests, outbox publishes and consumer batches, sent by OTLP/HTTP. */
  OTEL_TRACES: z.enum(['on', 'off']).default('off'),
  CHANJIAO_LIBRARY_FAST_PATHS: zLibraryFastPaths,
});
export type ServiceEnv = z.infer<typeof serviceEnvSchema>;

/** The injection token of the service's env (PlatformModule provides it), for whatever reads a setting at run time. */
export const SERVICE_ENV = Symbol('SERVICE_ENV');

export const DEFAULT_PG_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_PORTS = { enrollment: 3001, placement: 3002, partnership: 3003, alliance: 3004, reporting: 3005 } as const;
export const AUTH_DATABASE = 'chanjiao_auth';

/**
 * A service's env with the local defaults of DESIGN.md §1 (its own database on the local server). Credentials may come
 * from files and passwords apart from their URLs (`resolveSecretEnv`: `DATABASE_URL_FILE`, `DATABASE_PASSWORD_FILE`,
 * `AMQP_PASSWORD`, …).
 */
export function loadServiceEnv(service: keyof typeof DEFAULT_PORTS, env: NodeJS.ProcessEnv = process.env): ServiceEnv & { PORT: number } {
  const server = new URL(DEFAULT_PG_SERVER);
  const dbUrl = (name: string) => {
    const u = new URL(server);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const parsed = loadEnv(serviceEnvSchema, {
    DATABASE_URL: dbUrl(service),
    AUTH_DATABASE_URL: dbUrl(AUTH_DATABASE),
    ...resolveSecretEnv(env),
    METRICS_TOKEN: secretFromEnv(env, 'METRICS_TOKEN'),
  });
  return { ...parsed, PORT: parsed.PORT ?? DEFAULT_PORTS[service] };
}
