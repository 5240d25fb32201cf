import { createHash } from 'node:crypto';
import { ALL_EVENT_VERSIONS } from '@chanjiao/contracts';
import { brokerUserDefinitions, consumerGrant, literal, NOTHING, publisherGrant, rabbitPasswordHash, vhostOf } from './broker-permissions';
import { deadLetterQueueName, retryQueueName } from './topology';

const matches = (pattern: string, name: string) => new RegExp(pattern).test(name);

describe('broker permissions', () => {
  const exchange = 'chanjiao.events';
  const queue = 'reporting.events';

  it('a writer may publish its own events on the exchange and nothing else; it reads and configures nothing', () => {
    const grant = publisherGrant('enrollment', exchange);
    expect(matches(grant.write, exchange)).toBe(true);
    for (const name of ['chanjiao.eventsX', 'chanjiaoXevents', 'amq.default', queue, `${queue}.dlq`])
      expect(matches(grant.write, name)).toBe(false);
    for (const name of [exchange, queue, `${queue}.dlq`, retryQueueName(queue, 1), 'anything']) {
      expect(matches(grant.read, name)).toBe(false);
      expect(matches(grant.configure, name)).toBe(false);
    }
    expect(grant.topic).toEqual({ exchange, write: '^enrollment\\.', read: NOTHING });
    // Every event type is published under its own type (an earlier version too, by an instance not yet updated): each
    // writer may publish all of its own, none of the others'.
    for (const event of ALL_EVENT_VERSIONS) {
      for (const service of ['enrollment', 'placement', 'partnership', 'alliance']) {
        expect({ service, type: event.type, allowed: matches(publisherGrant(service, exchange).topic!.write, event.type) }).toEqual({
          service,
          type: event.type,
          allowed: event.service === service,
        });
      }
    }
  });

  it('the consumer declares, binds and reads its own queues only, and publishes only through the default exchange', () => {
    const grant = consumerGrant({ exchange, queue });
    const own = [queue, retryQueueName(queue, 1), retryQueueName(queue, 12), deadLetterQueueName(queue)];
    const others = [
      'reporting.eventsX',
      'reporting.events.retry.',
      'reporting.events.retry.1x',
      'reporting.events.dlq2',
      'other.events',
      'xreporting.events',
    ];
    for (const name of own) {
      expect({
        name,
        configure: matches(grant.configure, name),
        write: matches(grant.write, name),
        read: matches(grant.read, name),
      }).toEqual({
        name,
        configure: true,
        write: true,
        read: true,
      });
    }
    for (const name of [...others, exchange])
      expect({ name, configure: matches(grant.configure, name) }).toEqual({ name, configure: false });
    for (const name of others)
      expect({ name, read: matches(grant.read, name), write: matches(grant.write, name) }).toEqual({ name, read: false, write: false });
    expect(matches(grant.read, exchange)).toBe(true); // to bind its queue
    expect(matches(grant.write, exchange)).toBe(false); // never publishes an event
    expect(matches(grant.write, 'amq.default')).toBe(true); // retries, DLQ, renewals, replays
    expect(grant.topic).toEqual({ exchange, write: NOTHING, read: '.*' });
  });

  it('names are matched literally', () => {
    expect(literal('a.b*c+(d)[e]$^/-')).toBe('a\\.b\\*c\\+\\(d\\)\\[e\\]\\$\\^\\/\\-');
    const grant = consumerGrant({ exchange: 'ex.t_1', queue: 'q+1' });
    expect(matches(grant.configure, 'q+1.dlq')).toBe(true);
    expect(matches(grant.configure, 'qq1.dlq')).toBe(false);
  });

  it('hashes passwords as RabbitMQ does (salt, then SHA-256 of salt and password)', () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    const hash = Buffer.from(rabbitPasswordHash('secret-password', salt), 'base64');
    expect(hash.subarray(0, 4)).toEqual(salt);
    expect(hash.subarray(4)).toEqual(
      createHash('sha256')
        .update(Buffer.concat([salt, Buffer.from('secret-password')]))
        .digest(),
    );
    expect(rabbitPasswordHash('x')).not.toBe(rabbitPasswordHash('x')); // a new salt each time
  });

  it('writes users, permissions and topic permissions as a definitions document, without passwords', () => {
    const defs = brokerUserDefinitions('/', [
      { name: 'enrollment', password: 'pw-enrollment', grant: publisherGrant('enrollment', exchange) },
      { name: 'reporting', password: 'pw-reporting', grant: consumerGrant({ exchange, queue }) },
    ]);
    expect(JSON.stringify(defs)).not.toMatch(/pw-/);
    expect(defs).toMatchObject({
      users: [
        { name: 'enrollment', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: '' },
        { name: 'reporting', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: '' },
      ],
      permissions: [
        { user: 'enrollment', vhost: '/', configure: NOTHING, write: '^chanjiao\\.events$', read: NOTHING },
        { user: 'reporting', vhost: '/' },
      ],
      topic_permissions: [
        { user: 'enrollment', vhost: '/', exchange, write: '^enrollment\\.', read: NOTHING },
        { user: 'reporting', vhost: '/', exchange, write: NOTHING, read: '.*' },
      ],
    });
  });

  it('reads the vhost of an AMQP URL as amqplib does', () => {
    expect(vhostOf('amqp://u:p@h:5672')).toBe('/');
    expect(vhostOf('amqp://u:p@h:5672/')).toBe('/');
    expect(vhostOf('amqp://h/%2f')).toBe('/');
    expect(vhostOf('amqp://h/chanjiao,amqp://h2/chanjiao')).toBe('chanjiao');
  });
});
