import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import amqp from 'amqplib';
import { Client } from 'pg';
import { testServiceUrls } from '@chanjiao/testing';

/**
 * This machine's PostgreSQL and RabbitMQ, stopped and started as an operator (or a crash) would: the commands the
 * machine's README gives. Every scenario ends with {@link ensureServicesUp}, pass or fail, so they are left running and
 * configured as they were.
 */

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe', timeout: 120_000 }).toString();
const pgVersion = () => readdirSync('/etc/postgresql').sort().at(-1)!;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const postgresAnswers = async () => {
  const c = new Client({ connectionString: testServiceUrls().postgresUrl });
  await c.connect();
  await c.query('SELECT 1');
  await c.end();
  return true;
};
const rabbitAnswers = async () => {
  const c = await amqp.connect(testServiceUrls().amqpUrl);
  await c.close();
  return true;
};

/** Stops RabbitMQ's application (the node stays, as after `rabbitmqctl stop_app`): every client loses its connection. */
export function stopRabbitMQ(): void {
  run('rabbitmqctl', ['stop_app']);
}

export async function startRabbitMQ(): Promise<void> {
  if (!(await portOpen(5672)) && !(await rabbitAnswers().catch(() => false))) {
    try {
      run('rabbitmqctl', ['start_app']);
    } catch {
      run('rabbitmq-server', ['-detached']); // the node itself was down
    }
  }
  await until('RabbitMQ', rabbitAnswers);
}

/** Stops PostgreSQL at once (`-m fast`: open transactions roll back, connections end), as a restart or failover does. */
export function stopPostgres(): void {
  run('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', 'stop', '-m', 'fast']);
}

export async function startPostgres(): Promise<void> {
  if (!(await postgresAnswers().catch(() => false))) {
    try {
      run('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', 'start']);
    } catch (e) {
      if (!/already running/i.test(String((e as { stderr?: Buffer }).stderr ?? e))) throw e;
    }
  }
  await until('PostgreSQL', postgresAnswers);
}

/** Both running and answering, whatever a scenario did: called at the end of every scenario. */
export async function ensureServicesUp(): Promise<void> {
  await startPostgres();
  await startRabbitMQ();
}
