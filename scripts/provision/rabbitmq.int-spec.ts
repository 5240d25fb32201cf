import { execFileSync } from 'node:child_process';
import amqp from 'amqplib';
import { brokerUserDefinitions, ensureExchange, publisherGrant } from '@chanjiao/messaging';
import { withCredentials } from '@chanjiao/config';
import { expectEventually, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { BrokerAdmin, brokerAdmin } from './rabbitmq';

const MANAGEMENT_URL = 'http://127.0.0.1:15672';
const answers = (url: string) =>
  fetch(`${url}/api/overview`).then(
    () => true,
    () => false,
  );

/** What a user may publish: 'ok' when confirmed, else the code the broker closed the channel with. */
async function publishAs(url: string, exchange: string, routingKey: string): Promise<'ok' | number | 'login refused'> {
  let conn: amqp.ChannelModel;
  try {
    conn = await amqp.connect(url);
  } catch {
    return 'login refused';
  }
  try {
    const ch = await conn.createConfirmChannel();
    const closed = new Promise<number>((resolve) => ch.once('error', (e: { code: number }) => resolve(e.code)));
    ch.publish(exchange, routingKey, Buffer.from('{}'));
    return await ch.waitForConfirms().then(
      () => 'ok' as const,
      () => closed,
    );
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/**
 * Both ways `npm run migrate` makes the services' RabbitMQ users, against the real broker: rabbitmqctl (this machine,
 * `npm start`) and the management plugin's HTTP API (compose's `migrate`). The broker here runs without the plugin, as
 * a fresh machine and CI do: the test enables it, as a script that needs it must, and disables it again afterwards
 * (only if it was off).
 */
describe('making RabbitMQ users', () => {
  const { amqpUrl } = testServiceUrls();
  const local = ['127.0.0.1', 'localhost'].includes(new URL(amqpUrl).hostname);
  const suffix = uniqueSuffix();
  const exchange = `test.users.${suffix}`;
  let enabledHere = false;

  beforeAll(async () => {
    const conn = await amqp.connect(amqpUrl);
    await ensureExchange(conn, exchange);
    // A queue for every routing key: confirmed publishes are routed ones.
    const ch = await conn.createChannel();
    await ch.assertQueue(exchange, { durable: false, autoDelete: false });
    await ch.bindQueue(exchange, exchange, '#');
    await conn.close();
  });

  afterAll(async () => {
    const conn = await amqp.connect(amqpUrl);
    const ch = await conn.createChannel();
    await ch.deleteQueue(exchange);
    await ch.deleteExchange(exchange);
    await conn.close();
    if (enabledHere) execFileSync('rabbitmq-plugins', ['disable', 'rabbitmq_management'], { stdio: 'ignore' });
  }, 60_000);

  const cases: Array<[string, () => Promise<BrokerAdmin>]> = [
    ['rabbitmqctl', async () => brokerAdmin(amqpUrl, undefined)],
    [
      'the management HTTP API',
      async () => {
        if (!(await answers(MANAGEMENT_URL))) {
          execFileSync('rabbitmq-plugins', ['enable', 'rabbitmq_management'], { stdio: 'ignore' });
          enabledHere = true;
          await expectEventually(async () => expect(await answers(MANAGEMENT_URL)).toBe(true), { timeoutMs: 60_000 });
        }
        return brokerAdmin(amqpUrl, MANAGEMENT_URL);
      },
    ],
  ];

  (local ? it.each(cases) : it.skip.each(cases))(
    'with %s: a user made with its permissions publishes its own events only, and is gone once deleted',
    async (_how, admin) => {
      const broker = await admin();
      const name = `t_users_${suffix}_${broker.via === 'rabbitmqctl' ? 'ctl' : 'http'}`;
      const password = `pw-${uniqueSuffix()}-${uniqueSuffix()}`;
      await broker.importDefinitions(brokerUserDefinitions('/', [{ name, password, grant: publisherGrant('enrollment', exchange) }]));
      try {
        const url = withCredentials(amqpUrl, { user: name, password });
        expect(await publishAs(url, exchange, 'enrollment.student.enrolled.v1')).toBe('ok');
        expect(await publishAs(url, exchange, 'placement.internship.started.v1')).toBe(403);
        expect(await publishAs(withCredentials(amqpUrl, { user: name, password: 'not-the-password' }), exchange, 'enrollment.x')).toBe(
          'login refused',
        );
        // Made again (another password): updated in place, the old password no longer works.
        await broker.importDefinitions(
          brokerUserDefinitions('/', [{ name, password: `${password}-2`, grant: publisherGrant('enrollment', exchange) }]),
        );
        expect(await publishAs(url, exchange, 'enrollment.student.enrolled.v1')).toBe('login refused');
        expect(await publishAs(withCredentials(amqpUrl, { user: name, password: `${password}-2` }), exchange, 'enrollment.a.b.v1')).toBe(
          'ok',
        );
      } finally {
        await broker.deleteUsers([name]);
      }
      expect(await publishAs(withCredentials(amqpUrl, { user: name, password: `${password}-2` }), exchange, 'enrollment.a.b.v1')).toBe(
        'login refused',
      );
    },
    120_000,
  );

  it('says what to do for a broker it cannot administer', () => {
    expect(() => brokerAdmin('amqp://admin:secret@mq.example:5672', undefined)).toThrow(
      "the services' RabbitMQ users are made with rabbitmqctl on the broker's machine or over the management plugin's HTTP API: set RABBITMQ_MANAGEMENT_URL (e.g. http://mq.example:15672) for the broker at amqp://admin:***@mq.example:5672",
    );
  });
});
