import { existsSync } from 'node:fs';
import { connect as netConnect } from 'node:net';

export interface TestServices {
  /** A PostgreSQL server URL (database `postgres`) where tests may create databases. */
  postgresUrl: string;
  amqpUrl: string;
  /** Stops what was started for the run (containers); nothing for services already running. */
  stop(): Promise<void>;
  source: 'env' | 'testcontainers' | 'local';
}

const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_AMQP = 'amqp://guest:guest@127.0.0.1:5672';

function dockerAvailable(): boolean {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return false;
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

async function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = netConnect({ host: u.hostname, port: Number(u.port || defaultPort) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Where the real services for tests are: `DATABASE_URL` / `AMQP_URL` when set; otherwise
 * containers where a Docker engine answers; otherwise the local PostgreSQL and RabbitMQ.
 */
export async function resolveTestServices(): Promise<TestServices> {
  if (process.env.DATABASE_URL || process.env.AMQP_URL) {
    return {
      postgresUrl: process.env.DATABASE_URL ?? LOCAL_PG,
      amqpUrl: process.env.AMQP_URL ?? LOCAL_AMQP,
      stop: async () => undefined,
      source: 'env',
    };
  }
  if (dockerAvailable()) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
      const [pg, mq] = await Promise.all([
        new PostgreSqlContainer('postgres:15-alpine').withUsername('postgres').withPassword('postgres').withDatabase('postgres').start(),
        new RabbitMQContainer('rabbitmq:3.10-management-alpine').start(),
      ]);
      return {
        postgresUrl: pg.getConnectionUri(),
        amqpUrl: mq.getAmqpUrl(),
        stop: async () => {
          await Promise.all([pg.stop(), mq.stop()]);
        },
        source: 'testcontainers',
      };
    } catch (e) {
      console.warn(`Docker socket present but containers could not start (${(e as Error).message}); using local services`);
    }
  }
  return { postgresUrl: LOCAL_PG, amqpUrl: LOCAL_AMQP, stop: async () => undefined, source: 'local' };
}

export async function assertReachable(s: Pick<TestServices, 'postgresUrl' | 'amqpUrl'>): Promise<void> {
  const [pg, mq] = await Promise.all([reachable(s.postgresUrl, 5432), reachable(s.amqpUrl, 5672)]);
  const down = [!pg && `PostgreSQL at ${new URL(s.postgresUrl).host}`, !mq && `RabbitMQ at ${new URL(s.amqpUrl).host}`].filter(Boolean);
  if (down.length) {
    throw new Error(`tests need real services; not reachable: ${down.join(', ')}. Start them (see README) or set DATABASE_URL / AMQP_URL.`);
  }
}

/** Set by the Jest global setup for the test files. */
export function testServiceUrls(): { postgresUrl: string; amqpUrl: string } {
  return {
    postgresUrl: process.env.CHANJIAO_TEST_PG_URL ?? process.env.DATABASE_URL ?? LOCAL_PG,
    amqpUrl: process.env.CHANJIAO_TEST_AMQP_URL ?? process.env.AMQP_URL ?? LOCAL_AMQP,
  };
}
