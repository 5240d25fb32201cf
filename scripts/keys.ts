/**
 * API keys: `npm run keys -- create --role writer|reader|admin [--service <app>] --institution <code>[,<code>…]|*
 * [--expires 90d|<date>|never] [--label <text>]`, `npm run keys -- list`, `npm run keys -- rotate <id> [--overlap 7d]`,
 * `npm run keys -- revoke <key or key id>`.
 */
import { ALL_INSTITUTIONS, ApiKeyStore, KeyListing, Role, ROLES, WRITE_SERVICES } from '@chanjiao/auth';
import { INSTITUTION_PATTERN } from '@chanjiao/contracts';
import { keysDatabaseUrl } from './provision/databases';
import { authDatabaseUrl } from './stack-plan';

const USAGE = `usage:
  npm run keys -- create --role writer|reader|admin [--service ${WRITE_SERVICES.join('|')}] --institution <code>[,<code>...]|* [--expires 90d|<YYYY-MM-DD>|never] [--label <text>]
  npm run keys -- list
  npm run keys -- rotate <key id> [--overlap 7d]
  npm run keys -- revoke <key or key id>`;

/** A key made without --expires lives a year: a forgotten key does not stay valid for ever. */
const DEFAULT_EXPIRY_DAYS = 365;
const DEFAULT_OVERLAP = '7d';
const DAY_MS = 86_400_000;

/** `90d`, `12h` or `30m` in milliseconds; undefined when it is not one. */
function duration(text: string): number | undefined {
  const m = /^(\d{1,5})([dhm])$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * { d: DAY_MS, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
}

/** --expires: a duration from now, a date (midnight UTC at its start) or timestamp, or `never`. */
function expiry(text: string | undefined): Date | null {
  if (text === undefined) return new Date(Date.now() + DEFAULT_EXPIRY_DAYS * DAY_MS);
  if (text === 'never') return null;
  const ms = duration(text);
  if (ms !== undefined) return new Date(Date.now() + ms);
  const date = /^\d{4}-\d{2}-\d{2}(T.+)?$/.test(text) ? new Date(text) : undefined;
  if (!date || Number.isNaN(date.getTime())) fail(`--expires must be a duration such as 90d, a date such as 2027-06-30, or never`);
  if (date.getTime() <= Date.now()) fail(`--expires ${text} is already past`);
  return date;
}

function institutionsOf(text: string | undefined, role: Role): string[] {
  if (!text) fail('--institution is required: a code, a comma-separated list (a bureau), or * (admin keys: every institution)');
  if (text === ALL_INSTITUTIONS) {
    if (role !== 'admin') fail('--institution * (every institution) is for admin keys only');
    return [ALL_INSTITUTIONS];
  }
  const codes = [...new Set(text.split(',').map((c) => c.trim()))];
  const bad = codes.find((c) => !INSTITUTION_PATTERN.test(c));
  if (bad !== undefined) fail(`--institution: "${bad}" is not an institution code such as BZVTC (capitals, digits, - or _)`);
  return codes;
}

function listLine(k: KeyListing, now: number): string {
  const state = k.revoked_at
    ? `revoked ${k.revoked_at.toISOString()}`
    : k.expires_at && k.expires_at.getTime() <= now
      ? `expired ${k.expires_at.toISOString()}`
      : 'active';
  return [
    k.id,
    k.role.padEnd(6),
    k.institutions.join(','),
    k.services.join(','),
    k.created_at.toISOString(),
    state,
    `expires ${k.expires_at ? k.expires_at.toISOString() : 'never'}`,
    `used ${k.last_used_at ? k.last_used_at.toISOString() : 'never'}`,
    k.rotated_from ? `rotated-from ${k.rotated_from}` : '',
    k.label ?? '',
  ]
    .filter((part) => part !== '')
    .join('  ')
    .trimEnd();
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function flags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) fail(`unexpected argument "${a}"`);
    // At the first '=' only: `--label=a=b` is the label `a=b`.
    const eq = a.indexOf('=');
    const [name, inline] = eq < 0 ? [a.slice(2), undefined] : [a.slice(2, eq), a.slice(eq + 1)];
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith('--') || value.trim() === '') fail(`--${name} needs a value`);
    if (Object.hasOwn(out, name)) fail(`--${name} given twice`);
    out[name] = value;
  }
  return out;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  authDatabaseUrl(); // as npm start has it: an invalid URL is named before anything runs
  if (!command || !['create', 'list', 'rotate', 'revoke'].includes(command))
    fail(command ? `unknown command "${command}"` : 'missing command');
  // As the keys database's owner (npm run migrate's role for it), or AUTH_DATABASE_URL as given.
  const store = new ApiKeyStore(await keysDatabaseUrl());
  try {
    if (command === 'create') {
      const f = flags(rest);
      const unknown = Object.keys(f).filter((k) => !['role', 'service', 'institution', 'label', 'expires'].includes(k));
      if (unknown.length) fail(`unknown option --${unknown[0]}`);
      if (!f.role || !ROLES.includes(f.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
      const role = f.role as Role;
      const institutions = institutionsOf(f.institution, role);
      if (f.service && !(WRITE_SERVICES as readonly string[]).includes(f.service))
        fail(`--service must be one of ${WRITE_SERVICES.join(', ')}`);
      if (f.service && role !== 'writer') fail('--service applies to writer keys only');
      const expiresAt = expiry(f.expires);
      const services = role === 'writer' ? (f.service ? [f.service] : [...WRITE_SERVICES]) : role === 'reader' ? ['reporting'] : ['*'];
      const { id, key } = await store.create({ role, services, institutions, label: f.label, expiresAt });
      console.log(
        `created ${role} key ${id} for ${institutions.join(', ')} (${services.join(', ')}), expires ${expiresAt ? expiresAt.toISOString() : 'never'}; it is shown once, store it now:`,
      );
      console.log(key);
    } else if (command === 'list') {
      const keys = await store.list();
      if (keys.length === 0) console.log('no keys yet');
      const now = Date.now();
      for (const k of keys) console.log(listLine(k, now));
    } else if (command === 'rotate') {
      const [target, ...more] = rest;
      if (!target || target.startsWith('--')) fail('rotate takes a key id');
      const f = flags(more);
      const unknown = Object.keys(f).filter((k) => k !== 'overlap');
      if (unknown.length) fail(`unknown option --${unknown[0]}`);
      const overlap = duration(f.overlap ?? DEFAULT_OVERLAP);
      if (overlap === undefined) fail('--overlap must be a duration such as 7d, 12h or 0m');
      const rotated = await store.rotate(target, overlap);
      if (!rotated) {
        console.error(`no active key ${target}`);
        process.exitCode = 1;
      } else {
        console.log(
          `rotated ${target}: it stays valid until ${rotated.oldExpiresAt.toISOString()}; new key ${rotated.id}, shown once, store it now:`,
        );
        console.log(rotated.key);
      }
    } else {
      const target = rest[0];
      if (!target || rest.length > 1) fail('revoke takes one key or key id');
      const id = await store.revoke(target);
      if (!id) {
        console.error(`no key ${target}`);
        process.exitCode = 1;
      } else console.log(`revoked ${id}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
