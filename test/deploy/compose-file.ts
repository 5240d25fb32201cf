import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The parts of a compose service the tests read. */
export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  ports?: string[];
  restart?: string;
  secrets?: string[];
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
}

const root = join(__dirname, '..', '..');
export const composeText = () => readFileSync(join(root, 'docker-compose.yml'), 'utf8');

/** `KEY=VALUE` lines of a dotenv file (comments and blank lines skipped), as compose reads `.env`. */
export function parseDotenv(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const eq = line.indexOf('=');
      if (eq < 1) throw new Error(`not KEY=VALUE: ${line}`);
      return [line.slice(0, eq), line.slice(eq + 1)] as const;
    });
  return Object.fromEntries(entries);
}
export const envExample = () => parseDotenv(readFileSync(join(root, '.env.example'), 'utf8'));

/**
 * Compose's interpolation of one value: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`
 * and `${VAR?message}` (an unset required variable fails, as `docker compose` does).
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_]\w*)/g,
    (match, name: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      if (bare) return env[bare] ?? '';
      const value = env[name!];
      if (!op) return value ?? '';
      const unset = op.startsWith(':') ? !value : value === undefined;
      if (!unset) return value!;
      if (op.endsWith('-')) return arg!;
      throw new Error(`required variable ${name} is missing a value: ${arg}`);
    },
  );
}

function interpolateAll(node: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => interpolateAll(n, env));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env)]));
  return node;
}

/**
 * docker-compose.yml as `docker compose` reads it: YAML merge keys (`<<: *app`) resolved, then every value
 * interpolated from `env` (by default `.env.example`'s, as after `cp .env.example .env`). `raw` skips interpolation.
 */
export function loadCompose(env: Record<string, string | undefined> | 'raw' = envExample()): ComposeFile {
  const parsed = parse(composeText(), { merge: true }) as unknown;
  return (env === 'raw' ? parsed : interpolateAll(parsed, env)) as ComposeFile;
}
