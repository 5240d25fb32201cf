/**
 * `npm run verify [-- --institution A,B] [--year Y,…] [--as-of D,…] [--wait <seconds>] [--anyway]`: every figure of
 * every report against a recount from the four write services' own records (DESIGN.md §6); prints each difference and
 * exits 1 if any, 0 with a one-line summary if none.
 */
import { ApiKeyStore, migrateAuthDatabase } from '@chanjiao/auth';
import { INSTITUTION_PATTERN, isCalendarDate, MAX_YEAR, MIN_YEAR } from '@chanjiao/contracts';
import { stackPlan } from './stack-plan';
import { institutionsOf, WRITE_SERVICES, WriteDatabases } from './verify/records';
import { formatDifference, verifyFigures, VerifyError } from './verify/verify-figures';

const USAGE = `usage: npm run verify [-- --institution <code>[,<code>…]] [--year <Y>[,<Y>…]] [--as-of <YYYY-MM-DD>[,…]] [--wait <seconds>] [--anyway]

Compares every figure of every report (overview; enrollment, placement and partnerships by each grouping; internships;
data quality; alliances; agreements expiring) as the running reporting service answers it, with a recount from the
enrollment, placement, partnership and alliance databases (DESIGN.md §5). Prints one line per difference and exits 1
if there is any; exits 0 with a summary if there is none.

  --institution  institutions to check (default: every one the write services hold records of)
  --year         years to check (default: every year the records are dated in)
  --as-of        dates to take the figures at, for every year (default per year Y: Y-06-30, Y-12-31 and today)
  --wait         how long to wait for reporting to apply every event written (default 300)
  --anyway       compare even if reporting has not caught up by then (else exit 1 saying how far behind it is)

Finds the stack as npm start runs it: <SERVICE>_DATABASE_URL or DATABASE_URL, AUTH_DATABASE_URL, <SERVICE>_PORT or
REPORTING_URL; LOCAL_REGION_PREFIX and REPORT_TIMEZONE as reporting has them. Reads the reports with an admin key it
makes for the run and revokes when it ends (Ctrl-C too).`;

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

interface Args {
  institutions?: string[];
  years?: number[];
  asOf?: string[];
  waitMs: number;
  anyway: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { waitMs: 300_000, anyway: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (a === '--anyway') {
      args.anyway = true;
      continue;
    }
    if (!a.startsWith('--')) usage(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const [name, inline] = eq < 0 ? [a.slice(2), undefined] : [a.slice(2, eq), a.slice(eq + 1)];
    if (!['institution', 'year', 'as-of', 'wait'].includes(name)) usage(`unknown option --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--') || value.trim() === '') usage(`--${name} needs a value`);
    if (seen.has(name)) usage(`--${name} given twice`);
    seen.add(name);
    const list = value.split(',').map((v) => v.trim());
    if (name === 'institution') {
      const bad = list.find((v) => !INSTITUTION_PATTERN.test(v));
      if (bad !== undefined) usage(`--institution: "${bad}" is not an institution code such as BZVTC`);
      args.institutions = [...new Set(list)];
    } else if (name === 'year') {
      const bad = list.find((v) => !/^\d{4}$/.test(v) || Number(v) < MIN_YEAR || Number(v) > MAX_YEAR);
      if (bad !== undefined) usage(`--year: "${bad}" is not a year from ${MIN_YEAR} to ${MAX_YEAR}`);
      args.years = [...new Set(list.map(Number))].sort((x, y) => x - y);
    } else if (name === 'as-of') {
      const bad = list.find((v) => !isCalendarDate(v));
      if (bad !== undefined) usage(`--as-of: "${bad}" is not a date YYYY-MM-DD`);
      args.asOf = [...new Set(list)].sort();
    } else {
      if (!/^\d+$/.test(value)) usage(`--wait: "${value}" is not a number of seconds`);
      args.waitMs = Number(value) * 1000;
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const plan = stackPlan();
  const databases = Object.fromEntries(WRITE_SERVICES.map((s) => [s, plan.apps[s].databaseUrl])) as WriteDatabases;
  const reportingUrl = process.env.REPORTING_URL ?? `http://127.0.0.1:${plan.apps.reporting.port}`;
  const institutions = args.institutions ?? (await institutionsOf(databases));
  if (institutions.length === 0) {
    console.log('verify: the write services hold no records; nothing to compare');
    return;
  }
  // Before any key is made: a run against a reporting service that is not there leaves nothing behind.
  const health = await fetch(`${reportingUrl}/health`).catch(() => undefined);
  if (!health || health.status !== 200)
    throw new VerifyError(`reporting is not ready at ${reportingUrl} (start the stack with \`npm start\`)`);

  await migrateAuthDatabase(plan.authDatabaseUrl);
  const keys = new ApiKeyStore(plan.authDatabaseUrl);
  const { id, key } = await keys.create({ role: 'admin', services: ['*'], institutions: ['*'], label: 'verify' });
  // The key serves this run only (never printed): revoked when it ends, by Ctrl-C too; a failure to revoke is said.
  let revoked: Promise<void> | undefined;
  const revoke = () =>
    (revoked ??= (async () => {
      try {
        await keys.revoke(id);
        await keys.close();
      } catch (e) {
        console.error(`could not revoke verify's key ${id} (npm run keys -- revoke ${id}): ${(e as Error).message}`);
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void revoke().finally(() => process.exit(130)));

  const started = Date.now();
  const result = await verifyFigures({
    reportingUrl,
    databases,
    authDatabaseUrl: plan.authDatabaseUrl,
    apiKey: key,
    institutions,
    years: args.years,
    asOf: args.asOf,
    waitMs: args.waitMs,
    compareAnyway: args.anyway,
    log: (line) => console.error(line),
  }).finally(revoke);

  for (const d of result.differences) console.log(formatDifference(d));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const scope = `${result.compared.toLocaleString('en')} figures of ${result.reports.toLocaleString('en')} reports for ${result.institutions.join(', ')} in ${seconds} s`;
  if (result.notCaughtUp.length) console.log(`reporting had not caught up with ${result.notCaughtUp.join(', ')} when the comparison began`);
  if (result.changedMeanwhile) console.log('events were written while comparing: differences may come from them; run verify again');
  if (result.differences.length) {
    console.log(`verify: ${result.differences.length.toLocaleString('en')} difference(s) in ${scope}`);
    process.exitCode = 1;
  } else console.log(`verify: no differences, ${scope}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
