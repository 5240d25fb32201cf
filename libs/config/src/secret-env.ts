import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

/**
 * The connection settings that carry credentials. Each may be given as the variable itself or as `<VARIABLE>_FILE`
 * (a file holding it, as Docker and Kubernetes mount secrets), and its password apart, as `<STEM>_PASSWORD` or
 * `<STEM>_PASSWORD_FILE`, merged into the URL (into every node's URL of an `AMQP_URL` list): the URL can then sit in
 * plain configuration and only the password in a secret.
 */
export const SECRET_URLS = [
  { url: 'DATABASE_URL', password: 'DATABASE_PASSWORD' },
  { url: 'AUTH_DATABASE_URL', password: 'AUTH_DATABASE_PASSWORD' },
  { url: 'AMQP_URL', password: 'AMQP_PASSWORD' },
] as const;

/** A password we write into a URL and hand to PostgreSQL and RabbitMQ: printable ASCII, no spaces (both decode it the same). */
const PASSWORD = /^[\x21-\x7e]{8,256}$/;

/**
 * `name` from env, or from the file `name_FILE` names (its last line break dropped); undefined when neither is set.
 * Both set, an unreadable or empty file: a {@link ConfigError} naming the variable, never its value.
 */
export function secretFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  const file = env[`${name}_FILE`];
  if (value !== undefined && file !== undefined) throw new ConfigError([`${name} and ${name}_FILE are both set: give one`]);
  if (file === undefined) return value;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([`${name}_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  text = text.replace(/\r?\n$/, '');
  if (text === '') throw new ConfigError([`${name}_FILE: ${file} is empty`]);
  return text;
}

/** Checks a password we are given before it reaches a URL or a role; the message names the variable only. */
export function checkedPassword(name: string, password: string): string {
  if (!PASSWORD.test(password)) throw new ConfigError([`${name}: a password of 8 to 256 printable ASCII characters without spaces`]);
  return password;
}

/** `url` (one URL, or a comma-separated list of node URLs) with `user` and/or `password` set in each. */
export function withCredentials(url: string, credentials: { user?: string; password?: string }): string {
  return url
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node.length > 0)
    .map((node) => {
      const u = new URL(node);
      if (credentials.user !== undefined) u.username = encodeURIComponent(credentials.user);
      if (credentials.password !== undefined) u.password = encodeURIComponent(credentials.password);
      return u.toString();
    })
    .join(',');
}

/** The URL(s) with any password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url
    .split(',')
    .map((node) => {
      try {
        const u = new URL(node.trim());
        if (u.password === '') return node;
        u.password = '***';
        return u.toString();
      } catch {
        // Not a URL: whatever sits between "://" and "@" may be credentials.
        return node.replace(/\/\/[^@/]*@/, '//***@');
      }
    })
    .join(',');
}

/**
 * `env` with the connection settings of {@link SECRET_URLS} resolved: `<VARIABLE>_FILE` read into `<VARIABLE>`, a
 * `<STEM>_PASSWORD(_FILE)` merged into its URL, and the `_FILE` and password variables removed. Run before the
 * environment is validated, at boot; errors name variables and files, never what they hold.
 */
export function resolveSecretEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const { url: urlName, password: passwordName } of SECRET_URLS) {
    const url = secretFromEnv(env, urlName);
    const password = secretFromEnv(env, passwordName);
    delete out[`${urlName}_FILE`];
    delete out[passwordName];
    delete out[`${passwordName}_FILE`];
    if (url === undefined) {
      if (password !== undefined) throw new ConfigError([`${passwordName} is set but ${urlName} is not: give the URL it belongs to`]);
      continue;
    }
    if (password === undefined) {
      out[urlName] = url;
      continue;
    }
    checkedPassword(passwordName, password);
    let nodes: URL[];
    try {
      nodes = url
        .split(',')
        .filter((n) => n.trim() !== '')
        .map((n) => new URL(n.trim()));
    } catch {
      throw new ConfigError([`${urlName}: not a URL (${redactUrl(url)})`]);
    }
    if (nodes.some((n) => n.password !== ''))
      throw new ConfigError([`${urlName} carries a password and ${passwordName} is set too: give one`]);
    out[urlName] = withCredentials(url, { password });
  }
  return out;
}
