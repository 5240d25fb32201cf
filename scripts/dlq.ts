/**
 * Dead letters of the reporting consumer: `npm run dlq -- list`, `show <messageId>`,
 * `replay <messageId>...|--all`, `purge --yes`. Env: AMQP_URL (reporting's broker user by default), CONSUMER_QUEUE.
 */
import { DeadLetter, DeadLetterError, DeadLetterQueue } from '@chanjiao/messaging';
import { resolveSecretEnv, withCredentials } from '@chanjiao/config';
import { parkedBehind } from './dlq-parked';
import { stackPlan } from './stack-plan';
import { PASSWORD_VARIABLES, stackPassword } from './stack-secrets';

const USAGE = `usage:
  npm run dlq -- list                          one line per dead letter: id, type, reason, events parked behind it, last error
  npm run dlq -- show <messageId>              headers, properties and body of one dead letter
  npm run dlq -- replay <messageId>... | --all  publish again to reporting's queue (CONSUMER_QUEUE), then remove
  npm run dlq -- purge --yes                   delete every dead letter
an event id matches in either case (UUIDs are the same in upper and lower case, as the consumer's inbox compares them)
events parked behind a dead letter: later events of its record waiting in reporting for it; a replay applies them all
env: AMQP_URL (or AMQP_URL_FILE; a password apart in AMQP_PASSWORD or AMQP_PASSWORD_FILE), by default reporting's broker user as
     npm run migrate made it (its password from REPORTING_AMQP_PASSWORD or .chanjiao/secrets), CONSUMER_QUEUE (reporting.events),
     REPORTING_DATABASE_URL (reporting on the DATABASE_URL server), for the events parked`;

class UsageError extends Error {}

const oneLine = (s: string | null, max = 160) => {
  const flat = (s ?? '-').replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function printLetter(m: DeadLetter): void {
  console.log(`messageId:   ${m.messageId ?? '-'}`);
  console.log(`type:        ${m.type ?? '-'}`);
  console.log(`routing key: ${m.routingKey ?? '-'}`);
  console.log(`reason:      ${m.reason ?? '-'}`);
  console.log(`last error:  ${m.lastError ?? '-'}`);
  console.log('properties:');
  console.log(JSON.stringify(m.properties, null, 2));
  console.log('headers:');
  console.log(JSON.stringify(m.headers, null, 2));
  console.log('body:');
  try {
    console.log(JSON.stringify(JSON.parse(m.body), null, 2));
  } catch {
    console.log(m.body);
  }
}

async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    if (!command) throw new UsageError('missing command');
    console.log(USAGE);
    return 0;
  }
  if (!['list', 'show', 'replay', 'purge'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  const unknownFlag = rest.find(
    (a) => a.startsWith('--') && !(command === 'replay' && a === '--all') && !(command === 'purge' && a === '--yes'),
  );
  if (unknownFlag) throw new UsageError(`unknown option ${unknownFlag} for ${command}`);
  const positional = rest.filter((a) => !a.startsWith('--'));
  if (command === 'list' && positional.length > 0) throw new UsageError('list takes no arguments');
  if (command === 'show' && positional.length !== 1) throw new UsageError('show takes one message id');
  if (command === 'purge' && positional.length > 0) throw new UsageError('purge takes no arguments');
  if (command === 'purge' && !rest.includes('--yes')) throw new UsageError('purge deletes every dead letter: confirm with --yes');
  const all = rest.includes('--all');
  if (command === 'replay' && all === positional.length > 0) throw new UsageError('replay needs message ids or --all (not both)');

  const queue = process.env.CONSUMER_QUEUE ?? 'reporting.events';
  const dlq = await DeadLetterQueue.open({ url: brokerUrl(), queue });
  try {
    if (command === 'list') {
      const letters = await dlq.list();
      if (letters.length === 0) console.log(`${dlq.dlq} is empty`);
      const parked = await parkedBehind(letters, stackPlan().apps.reporting.databaseUrl).catch((e: Error) => {
        console.error(`cannot count the events parked behind them (reporting's database: ${e.message})`);
        return letters.map(() => undefined);
      });
      letters.forEach((m, i) => {
        const behind = parked[i] === undefined ? '?' : parked[i] === null ? '-' : String(parked[i]);
        console.log([m.messageId ?? '-', m.type ?? '-', m.reason ?? '-', `parked behind: ${behind}`, oneLine(m.lastError)].join('  '));
      });
      const total = parked.reduce<number>((sum, n) => sum + (n ?? 0), 0);
      if (total > 0) console.log(`${total} events wait parked behind these dead letters; replaying one applies it and them`);
      return 0;
    }
    if (command === 'show') {
      const m = await dlq.show(positional[0]!);
      if (!m) {
        console.error(`no dead letter ${positional[0]} in ${dlq.dlq}`);
        return 1;
      }
      printLetter(m);
      return 0;
    }
    if (command === 'replay') {
      const result = await dlq.replay(all ? 'all' : positional);
      for (const id of result.replayed) console.log(`replayed ${id}`);
      for (const s of result.skipped) console.error(`kept ${s.messageId ?? '(no id)'}: ${s.error}`);
      if (result.missing.length > 0) console.error(`not in ${dlq.dlq}: ${result.missing.join(', ')}`);
      console.log(
        `${result.replayed.length} replayed to ${queue}, ${result.skipped.length} kept` +
          (result.missing.length > 0 ? `, ${result.missing.length} not found` : ''),
      );
      return result.skipped.length > 0 || result.missing.length > 0 ? 1 : 0;
    }
    const purged = await dlq.purge();
    console.log(`purged ${purged} dead letter${purged === 1 ? '' : 's'} from ${dlq.dlq}`);
    return 0;
  } finally {
    await dlq.close();
  }
}

/**
 * The broker as `AMQP_URL` gives it (an operator's user, or reporting's), else as reporting's own user: all the DLQ
 * needs is what reporting's user may do (read its DLQ, publish to its queue through the default exchange).
 */
function brokerUrl(): string {
  const given = resolveSecretEnv(process.env).AMQP_URL;
  if (given !== undefined) return given;
  const plan = stackPlan();
  const password = stackPassword(PASSWORD_VARIABLES.broker('reporting'), process.env, false);
  return withCredentials(plan.amqpUrl, { user: plan.apps.reporting.role, password });
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(e instanceof DeadLetterError || e instanceof Error ? e.message : e);
      process.exitCode = 1;
    }
  },
);
