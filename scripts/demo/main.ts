/**
 * `npm run demo [-- --institution <code>]`: loads the 2022 scenario (DESIGN.md §7) into a running stack
 * through the write API and file imports, as department systems would, then prints the overview
 * beside the source's figures and exits non-zero if any differs.
 */
import { ApiKeyStore, migrateAuthDatabase, WRITE_SERVICES } from '@chanjiao/auth';
import { INSTITUTION_PATTERN } from '@chanjiao/contracts';
import { stackPlan } from '../stack-plan';
import { checkReady, DemoService, runDemo } from './run-demo';

function args(): { institution: string } {
  const argv = process.argv.slice(2);
  let institution = 'BZVTC';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--institution') {
      if (!argv[i + 1]) {
        console.error('--institution needs a value\nusage: npm run demo [-- --institution <code>]');
        process.exit(2);
      }
      institution = argv[++i]!;
    } else if (argv[i]!.startsWith('--institution=')) institution = argv[i]!.split('=')[1]!;
    else {
      console.error(`unknown argument ${argv[i]}\nusage: npm run demo [-- --institution <code>]`);
      process.exit(2);
    }
  }
  if (!INSTITUTION_PATTERN.test(institution)) {
    console.error('--institution must be an institution code such as BZVTC');
    process.exit(2);
  }
  return { institution };
}

function progressBar(label: string, done: number, total: number): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${label}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
  else if (done >= total) process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const { institution } = args();
  // The stack `npm start` runs with the same env: its ports and keys database; `<SERVICE>_URL` for one elsewhere.
  const plan = stackPlan();
  const urls = Object.fromEntries(
    (Object.keys(plan.apps) as DemoService[]).map((s) => [
      s,
      process.env[`${s.toUpperCase()}_URL`] ?? `http://127.0.0.1:${plan.apps[s].port}`,
    ]),
  ) as Record<DemoService, string>;
  // Before any key is made: a run against a stack that is not there leaves nothing behind.
  await checkReady(urls);
  await migrateAuthDatabase(plan.authDatabaseUrl);
  const keys = new ApiKeyStore(plan.authDatabaseUrl);
  const writer = await keys.create({ role: 'writer', services: [...WRITE_SERVICES], institution, label: 'demo' });
  const reader = await keys.create({ role: 'reader', services: ['reporting'], institution, label: 'demo' });
  // The keys serve this run only (they are never printed): revoked when it ends, by Ctrl-C too. A failure to revoke
  // is said, and does not hide the demo's own outcome.
  const revokeKeys = async () => {
    try {
      await keys.revoke(writer.id);
      await keys.revoke(reader.id);
      await keys.close();
    } catch (e) {
      console.error(`could not revoke the demo's keys ${writer.id}, ${reader.id} (npm run keys -- revoke <id>): ${(e as Error).message}`);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void revokeKeys().finally(() => process.exit(130)));
  }
  console.log(`loading the 2022 scenario for ${institution} (keys ${writer.id}, ${reader.id})`);
  const checks = await runDemo({
    institution,
    urls,
    writerKey: writer.key,
    readerKey: reader.key,
    log: (l) => console.log(l),
    progress: progressBar,
  }).finally(revokeKeys);
  console.log(`\nGET /reports/overview?year=2022&asOf=2023-06-20 (trainingBases: year=2021) beside the source:\n`);
  console.log(`${'field'.padEnd(40)} ${'source'.padStart(14)} ${'Chanjiao'.padStart(14)}`);
  for (const c of checks) {
    console.log(
      `${c.field.padEnd(40)} ${String(c.expected).padStart(14)} ${String(c.actual ?? 'missing').padStart(14)}  ${c.ok ? 'ok' : 'DIFFERS'}`,
    );
  }
  const bad = checks.filter((c) => !c.ok);
  console.log(bad.length ? `\n${bad.length} figure(s) differ from the source` : '\nevery figure matches the source');
  process.exitCode = bad.length ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
