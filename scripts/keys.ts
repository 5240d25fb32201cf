/**
 * API keys: `npm run keys -- create --role writer|reader|admin [--service <app>] --institution <code> [--label <text>]`,
 * `npm run keys -- list`, `npm run keys -- revoke <key or key id>`.
 */
import { ApiKeyStore, Role, ROLES, WRITE_SERVICES } from '@chanjiao/auth';
import { INSTITUTION_PATTERN } from '@chanjiao/contracts';
import { keysDatabaseUrl } from './provision/databases';
import { authDatabaseUrl } from './stack-plan';

const USAGE = `usage:
  npm run keys -- create --role writer|reader|admin [--service ${WRITE_SERVICES.join('|')}] --institution <code> [--label <text>]
  npm run keys -- list
  npm run keys -- revoke <key or key id>`;

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
  if (!command || !['create', 'list', 'revoke'].includes(command)) fail(command ? `unknown command "${command}"` : 'missing command');
  // As the keys database's owner (npm run migrate's role for it), or AUTH_DATABASE_URL as given.
  const store = new ApiKeyStore(await keysDatabaseUrl());
  try {
    if (command === 'create') {
      const f = flags(rest);
      const unknown = Object.keys(f).filter((k) => !['role', 'service', 'institution', 'label'].includes(k));
      if (unknown.length) fail(`unknown option --${unknown[0]}`);
      if (!f.role || !ROLES.includes(f.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
      if (!f.institution || !INSTITUTION_PATTERN.test(f.institution))
        fail('--institution must be an institution code such as BZVTC (capitals, digits, - or _)');
      if (f.service && !(WRITE_SERVICES as readonly string[]).includes(f.service))
        fail(`--service must be one of ${WRITE_SERVICES.join(', ')}`);
      if (f.service && f.role !== 'writer') fail('--service applies to writer keys only');
      const services = f.role === 'writer' ? (f.service ? [f.service] : [...WRITE_SERVICES]) : f.role === 'reader' ? ['reporting'] : ['*'];
      const { id, key } = await store.create({ role: f.role as Role, services, institution: f.institution, label: f.label });
      console.log(`created ${f.role} key ${id} for ${f.institution} (${services.join(', ')}); it is shown once, store it now:`);
      console.log(key);
    } else if (command === 'list') {
      const keys = await store.list();
      if (keys.length === 0) console.log('no keys yet');
      for (const k of keys) {
        console.log(
          [
            k.id,
            k.role.padEnd(6),
            k.institution,
            k.services.join(','),
            k.created_at.toISOString(),
            k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active',
            k.label ?? '',
          ]
            .join('  ')
            .trimEnd(),
        );
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
