import { setFlagsFromString } from 'node:v8';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { resolveSecretEnv, secretFromEnv } from './secret-env';

export { ConfigError } from './config-error';

/** Parses env against a schema at boot; a bad value stops the process with a message naming the variable. */
export function loadEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}

export const zBool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** An IANA time zone the runtime knows (`Asia/Shanghai`), checked at boot: an unknown one failed every date computed with it. */
export const zTimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone, e.g. Asia/Shanghai');

const amqpUrl = z.url({ protocol: /^amqps?$/ });
/** `amqp://…` or a comma-separated list of them (one per node of a cluster). */
export const zAmqpUrls = z
  .string()
  .refine(
    (v) => amqpNodes(v).length > 0 && amqpNodes(v).every((u) => amqpUrl.safeParse(u).success),
    'must be an amqp(s):// URL or a comma-separated list of them',
  );

/** The node URLs of an `AMQP_URL`: one broker, or the nodes of one cluster separated by commas. */
export function amqpNodes(value: string): string[] {
  return value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

const MiB = 1024 * 1024;

/** A byte count, e.g. `1048576`; at least 1 KiB so that no setting refuses every request. */
const zBytes = z.coerce.number().int().min(1024);

/**
 * A token bucket (`prefault`: the default is parsed like a given value): `<per second>` or `<per second>:<burst>` (burst defaults to twice the rate), or `off`. Parsed
 * here so a bad value stops the service at boot naming the variable.
 */
export const zRateLimit = z
  .string()
  .regex(/^(off|\d+(\.\d+)?(:\d+)?)$/, 'off, <per second> or <per second>:<burst>, e.g. 2000:4000')
  .transform((v) => {
    if (v === 'off') return undefined;
    const [rate, burst] = v.split(':');
    return { perSecond: Number(rate), burst: burst === undefined ? Math.max(1, 2 * Number(rate)) : Number(burst) };
  })
  .refine((v) => v === undefined || (v.perSecond > 0 && v.burst >= 1), 'the rate must be above 0 and the burst at least 1');
export type RateLimitSetting = { perSecond: number; burst: number } | undefined;

/**
 * `off`: every library adapter (README "Library internals") takes the library's public API instead of its
 * internals, whatever version is installed. Read by the adapters themselves (tools use them too); in the
 * service schema so that a mistyped value stops a service at boot.
 */
export const zLibraryFastPaths = z.enum(['on', 'off']).default('on');

/** Whether the adapters may use the internals they were verified against (see {@link zLibraryFastPaths}). */
export function libraryFastPathsOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return loadEnv(z.object({ CHANJIAO_LIBRARY_FAST_PATHS: zLibraryFastPaths }), env).CHANJIAO_LIBRARY_FAST_PATHS === 'on';
}

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
  /** Import limits (README "Import limits"); unset, the defaults of libs/platform/src/imports/import-limits.ts. */
  IMPORT_MAX_INFLATED_BYTES: z.coerce.number().int().min(1).optional(),
  IMPORT_MAX_INFLATE_RATIO: z.coerce.number().min(1).optional(),
  IMPORT_MAX_SHARED_STRINGS_BYTES: z.coerce.number().int().min(1).optional(),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).optional(),
  IMPORT_MAX_CELL_CHARS: z.coerce.number().int().min(1).optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  /** Per-institution quotas (Quota in @chanjiao/platform), each read by the service that holds those records. */
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
  CHANJIAO_LIBRARY_FAST_PATHS: zLibraryFastPaths,
});
export type ServiceEnv = z.infer<typeof serviceEnvSchema>;

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

/**
 * V8 flags a service process runs with (`npm start`, the benchmark; the image's NODE_OPTIONS, the
 * compose file and the k8s config say the same). Without a cap V8 grows the old generation freely
 * under batch load (340 MB peak RSS seen in the benchmark); with it a service peaks near 200 MB. The
 * reporting consumer allocates per event: a larger young generation (fewer scavenges) gave it ~10 %
 * more ingest for ~30 MB.
 */
export function serviceNodeFlags(service: string): string[] {
  const flags = ['--max-old-space-size=160'];
  return service === 'reporting' ? [...flags, '--max-semi-space-size=32'] : flags;
}

/**
 * How far V8 lets the old generation grow past what the last full collection kept before it collects again, in
 * percent. Below a 256 MB cap V8 allows at most 30 %: a service keeping ~55 MB collected again after at most ~17 MB
 * more had been promoted, and under batch load a writer promotes each request's items (they outlive a young collection
 * while the request runs). At 100 % the writers ran about half as many full collections in an ingest, for about 20 MB more peak
 * RSS (BENCHMARKS.md). Set from inside the process: NODE_OPTIONS does not take this flag, so the image, compose and
 * k8s get it too.
 */
export const HEAP_GROWING_PERCENT = 100;

/** Applies {@link HEAP_GROWING_PERCENT}; a service's main calls it first (V8 reads it at each full collection). */
export function tuneServiceHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
