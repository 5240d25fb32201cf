import { spawn } from 'node:child_process';
import { amqpNodes, redactUrl } from '@chanjiao/config';

/**
 * Makes and removes the services' RabbitMQ users. Users are made by importing a definitions document
 * (`brokerUserDefinitions`: users with password hashes, their permissions and topic permissions), the one format both
 * ways of administering a broker take:
 * - `rabbitmqctl import_definitions` on the broker's own machine (as root with Debian's package: this machine, and
 *   `npm start` on a developer's);
 * - the management plugin's HTTP API, `POST /api/definitions`, where `RABBITMQ_MANAGEMENT_URL` names it (compose's
 *   `migrate`, a broker elsewhere), as the admin of `AMQP_URL` (or the URL's own credentials).
 */
export interface BrokerAdmin {
  /** How users are made, for the log: `rabbitmqctl` or the management URL (without credentials). */
  readonly via: string;
  importDefinitions(definitions: Record<string, unknown>): Promise<void>;
  deleteUsers(names: readonly string[]): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The way to administer the broker of `amqpUrl` (the admin's URL): see {@link BrokerAdmin}. */
export function brokerAdmin(amqpUrl: string, managementUrl: string | undefined): BrokerAdmin {
  const node = new URL(amqpNodes(amqpUrl)[0]!);
  if (managementUrl !== undefined)
    return managementApi(managementUrl, decodeURIComponent(node.username), decodeURIComponent(node.password));
  if (LOCAL_HOSTS.has(node.hostname) && (node.port === '' || node.port === '5672')) return rabbitmqctl();
  throw new Error(
    `the services' RabbitMQ users are made with rabbitmqctl on the broker's machine or over the management plugin's HTTP API: ` +
      `set RABBITMQ_MANAGEMENT_URL (e.g. http://${node.hostname}:15672) for the broker at ${redactUrl(node.toString())}`,
  );
}

function rabbitmqctl(): BrokerAdmin {
  return {
    via: 'rabbitmqctl',
    importDefinitions: async (definitions) => {
      // No file named: it reads standard input (3.10 takes no "-" for it).
      await ctl(['import_definitions', '--format', 'json'], JSON.stringify(definitions));
    },
    deleteUsers: async (names) => {
      for (const name of names) {
        await ctl(['delete_user', name]).catch((e: Error) => {
          if (!/user_not_exists|does not exist/i.test(e.message)) throw e;
        });
      }
    },
  };
}

/** Runs `rabbitmqctl`, feeding `input` (never an argument: it holds password hashes), and fails with its own words. */
function ctl(args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('rabbitmqctl', ['--quiet', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          e.code === 'ENOENT'
            ? 'rabbitmqctl is not installed here: set RABBITMQ_MANAGEMENT_URL to make the RabbitMQ users over the management API'
            : `rabbitmqctl: ${e.message}`,
        ),
      ),
    );
    child.once('close', (code) => {
      if (code === 0) return resolve();
      const words = output.trim().split('\n').slice(-5).join(' ');
      reject(
        new Error(
          `rabbitmqctl ${args[0]} failed (exit ${code}): ${words}` +
            (/cookie|eacces|permission/i.test(words)
              ? ' (it must run as root, or as the user the broker runs as; or set RABBITMQ_MANAGEMENT_URL to use the management API)'
              : ''),
        ),
      );
    });
    child.stdin.end(input ?? '');
  });
}

function managementApi(url: string, adminUser: string, adminPassword: string): BrokerAdmin {
  const base = new URL(url);
  const user = base.username ? decodeURIComponent(base.username) : adminUser;
  const password = base.password ? decodeURIComponent(base.password) : adminPassword;
  base.username = '';
  base.password = '';
  const root = base.toString().replace(/\/$/, '');
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const call = async (method: string, path: string, body: unknown): Promise<void> => {
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, {
        method,
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new Error(
        `the RabbitMQ management API at ${root} does not answer (${(e as Error).message}): is the management plugin enabled?`,
      );
    }
    if (!res.ok)
      throw new Error(
        `the RabbitMQ management API at ${root} answered ${method} ${path} with ${res.status}: ${(await res.text()).slice(0, 300)}`,
      );
  };
  return {
    via: root,
    importDefinitions: (definitions) => call('POST', '/api/definitions', definitions),
    deleteUsers: (names) => (names.length === 0 ? Promise.resolve() : call('POST', '/api/users/bulk-delete', { users: names })),
  };
}
