import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkedPassword, ConfigError, secretFromEnv, withCredentials } from '@chanjiao/config';
import { STACK_APPS, StackApp, StackPlan } from './stack-plan';

/** The checkout (or the image's /app) this script runs from: the nearest folder up with a package.json. */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/**
 * Where `npm run migrate` (and so `npm start`) keeps the passwords it generated, one file each, named after its
 * variable in lower case (`enrollment_db_password`): `.chanjiao/secrets` in the checkout (ignored by git; the folder
 * is made 700, each file 600), or `CHANJIAO_SECRETS_DIR`. docker-compose.yml reads the same files as its secrets.
 */
export function secretsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHANJIAO_SECRETS_DIR ?? join(packageRoot(), '.chanjiao', 'secrets');
}

/**
 * The password `name` (e.g. `ENROLLMENT_DB_PASSWORD`): from env, else from the file `<name>_FILE` names, else the one
 * kept in {@link secretsDir}, else (with `generate`) a new one of 32 characters (24 random bytes), kept there for the
 * next run. Never printed; errors name the variable or the file only.
 */
export function stackPassword(name: string, env: NodeJS.ProcessEnv = process.env, generate = true): string {
  const given = secretFromEnv(env, name);
  if (given !== undefined) return checkedPassword(name, given);
  const dir = secretsDir(env);
  const file = join(dir, name.toLowerCase());
  const kept = readKept(file);
  if (kept !== undefined) return kept;
  if (!generate) throw new ConfigError([`${name}: not given (${name} or ${name}_FILE) and none kept in ${dir}: run npm run migrate first`]);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  try {
    writeFileSync(file, password, { mode: 0o600, flag: 'wx' });
    return password;
  } catch (e) {
    // Another process (a second npm run migrate) wrote it first: theirs is the one.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readKept(file)!;
    throw e;
  }
}

function readKept(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError([`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  return checkedPassword(file, text.replace(/\r?\n$/, ''));
}

/** The variables each password is given in (and the file it is kept in, in lower case). */
export const PASSWORD_VARIABLES = {
  database: (app: StackApp) => `${app.toUpperCase()}_DB_PASSWORD`,
  broker: (app: StackApp) => `${app.toUpperCase()}_AMQP_PASSWORD`,
  keysOwner: 'AUTH_DB_PASSWORD',
  keysVerifier: 'AUTH_VERIFIER_DB_PASSWORD',
  biReader: 'REPORTING_BI_DB_PASSWORD',
} as const;

/** Each service's credentials and the keys database's, as `npm run migrate` gives them and `npm start` hands them on. */
export interface StackCredentials {
  apps: Record<StackApp, { databasePassword: string; brokerPassword: string; databaseUrl: string; amqpUrl: string }>;
  auth: { ownerPassword: string; verifierPassword: string; ownerUrl: string; verifierUrl: string };
  /** The BI tools' read-only role in the reporting database (no service connects as it). */
  bi: { password: string; url: string };
}

/** The passwords of `plan`'s roles and users ({@link stackPassword}) and the URLs they connect with. */
export function stackCredentials(plan: StackPlan, env: NodeJS.ProcessEnv = process.env, generate = true): StackCredentials {
  const apps = {} as StackCredentials['apps'];
  for (const app of STACK_APPS) {
    const { databaseUrl, role } = plan.apps[app];
    const databasePassword = stackPassword(PASSWORD_VARIABLES.database(app), env, generate);
    const brokerPassword = stackPassword(PASSWORD_VARIABLES.broker(app), env, generate);
    apps[app] = {
      databasePassword,
      brokerPassword,
      databaseUrl: withCredentials(databaseUrl, { user: role, password: databasePassword }),
      amqpUrl: withCredentials(plan.amqpUrl, { user: role, password: brokerPassword }),
    };
  }
  const ownerPassword = stackPassword(PASSWORD_VARIABLES.keysOwner, env, generate);
  const verifierPassword = stackPassword(PASSWORD_VARIABLES.keysVerifier, env, generate);
  const biPassword = stackPassword(PASSWORD_VARIABLES.biReader, env, generate);
  return {
    apps,
    auth: {
      ownerPassword,
      verifierPassword,
      ownerUrl: withCredentials(plan.authDatabaseUrl, { user: plan.auth.owner, password: ownerPassword }),
      verifierUrl: withCredentials(plan.authDatabaseUrl, { user: plan.auth.verifier, password: verifierPassword }),
    },
    bi: { password: biPassword, url: withCredentials(plan.apps.reporting.databaseUrl, { user: plan.bi.role, password: biPassword }) },
  };
}
