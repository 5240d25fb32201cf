import { createHash, randomBytes } from 'node:crypto';

/**
 * What a service's RabbitMQ user may do, in RabbitMQ's terms: regular expressions over the names of the exchanges and
 * queues it may configure (declare, delete), write (publish to an exchange, bind a queue) and read (consume from a
 * queue, bind from an exchange), and, on the events exchange, over the routing keys it may publish (topic permissions).
 * `npm run migrate` gives them to the users it makes; deploy/k8s declares the same (its test compares them).
 */
export interface BrokerGrant {
  configure: string;
  write: string;
  read: string;
  /** On the events exchange; absent: any routing key the other permissions let through. */
  topic?: { exchange: string; write: string; read: string };
}

/** Matches no name: RabbitMQ's way of granting nothing. */
export const NOTHING = '^$';

/** `text` as a regular expression matching it literally. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A writing service: publishes to the events exchange, only routing keys of its own events (`<service>.…`, as every
 * event type is `<service>.<entity>.<verb>.vN`), and reads and configures nothing. The exchange exists before it starts
 * (declared by `npm run migrate`); it checks it passively, so it cannot delete or redeclare it either.
 */
export function publisherGrant(service: string, exchange: string): BrokerGrant {
  return {
    configure: NOTHING,
    write: `^${literal(exchange)}$`,
    read: NOTHING,
    topic: { exchange, write: `^${literal(service)}\\.`, read: NOTHING },
  };
}

/**
 * The consumer (reporting): declares, binds and reads only its own queues (the work queue, its retry queues and its
 * DLQ), binds them to the events exchange, and publishes only through the default exchange (`amq.default`), which is how
 * it moves an event to a retry queue or the DLQ, renews it and how the DLQ tool replays it. It cannot publish to the
 * events exchange (no write there, and topic permissions allowing no routing key). RabbitMQ checks a publish to the
 * default exchange against that exchange only: the routing key may name any queue of the vhost, and the only queues
 * there are this consumer's.
 */
export function consumerGrant(topology: { exchange: string; queue: string }): BrokerGrant {
  // The names retryQueueName and deadLetterQueueName give: `<queue>.retry.<tier>`, `<queue>.dlq`.
  const own = `${literal(topology.queue)}(\\.retry\\.[0-9]+|\\.dlq)?`;
  return {
    configure: `^${own}$`,
    write: `^(${own}|amq\\.default)$`,
    read: `^(${own}|${literal(topology.exchange)})$`,
    topic: { exchange: topology.exchange, write: NOTHING, read: '.*' },
  };
}

/** RabbitMQ's `rabbit_password_hashing_sha256`: a 4-byte salt, then SHA-256 of salt and password, in base64. */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

export interface BrokerUser {
  name: string;
  password: string;
  grant: BrokerGrant;
}

/**
 * The users with their permissions as a RabbitMQ definitions document (what `rabbitmqctl import_definitions` and the
 * management API's `POST /api/definitions` take): users are created or updated (password, no tags), their permissions
 * in `vhost` and topic permissions set; nothing else is touched. Only password hashes are in it.
 */
export function brokerUserDefinitions(vhost: string, users: readonly BrokerUser[]): Record<string, unknown> {
  return {
    users: users.map((u) => ({
      name: u.name,
      password_hash: rabbitPasswordHash(u.password),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: '',
    })),
    permissions: users.map((u) => ({ user: u.name, vhost, configure: u.grant.configure, write: u.grant.write, read: u.grant.read })),
    topic_permissions: users.flatMap((u) => (u.grant.topic ? [Object.assign({ user: u.name, vhost }, u.grant.topic)] : [])),
  };
}

/** The vhost an AMQP URL names, as amqplib reads it: its path decoded; none (`amqp://host`, `amqp://host/`) is `/`. */
export function vhostOf(url: string): string {
  const path = new URL(url.split(',')[0]!.trim()).pathname;
  return path === '' || path === '/' ? '/' : decodeURIComponent(path.slice(1));
}
