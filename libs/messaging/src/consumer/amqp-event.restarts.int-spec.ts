import { Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import amqp from 'amqplib';
import { StudentEnrolled } from '@chanjiao/contracts';
import { expectEventually, TcpProxy, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import {
  deleteBrokerObjects,
  drainQueue,
  enrolledEvent,
  inboxDatabase,
  InboxTransaction,
  InboxUnitOfWork,
  publishEvents,
} from '@chanjiao/testing';
import { AmqpEventServer, deadLetterQueueName, MAX_RENEWALS } from '../index';
import type { EventUnitOfWork } from './event-unit-of-work';

/** Nest only starts and stops the transport: the server's applier takes the events. */
@Module({})
class TestModule {}

/** Small, to keep the test short: a message is renewed from its 4th delivery on, and crashers reach the DLQ after 17. */
const DELIVERY_LIMIT = 8;

/**
 * A consumer that loses its connection (crashes, restarts) again and again with its prefetch window in hand: the quorum
 * queue counts each such delivery against its delivery limit. Healthy events must never reach the DLQ that way; a
 * message that keeps coming back without ever being renewable still does.
 */
describe('AmqpEventServer restarted with a full prefetch window (real RabbitMQ and PostgreSQL)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.events.${suffix}`;
  const queue = `test.restarts.${suffix}`;
  let store: Awaited<ReturnType<typeof inboxDatabase>>;
  let proxy: TcpProxy;
  let server: AmqpEventServer<InboxTransaction>;
  let app: INestMicroservice;
  let broker: amqp.ChannelModel;
  /** Every batch waits here while it is shut: nothing is acked while the connection is cut again and again. */
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  const shut = (): void => {
    gate = new Promise<void>((resolve) => (open = resolve));
  };

  beforeAll(async () => {
    store = await inboxDatabase('restarts');
    const uow: EventUnitOfWork<InboxTransaction> = {
      begin: async (events) => {
        await gate;
        return (store.uow as InboxUnitOfWork).begin(events);
      },
    };
    const target = new URL(amqpUrl);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5672)).start();
    broker = await amqp.connect(amqpUrl);
    server = new AmqpEventServer<InboxTransaction>({
      url: proxy.url(amqpUrl),
      name: 'test-restarts',
      unitOfWork: uow,
      applier: { types: [StudentEnrolled.type], apply: (event, tx) => void tx.staged.push(event) },
      batchSize: 10,
      batchWindowMs: 10,
      prefetch: 100,
      topology: { exchange, queue, bindings: ['#'], retryDelaysMs: [100], deliveryLimit: DELIVERY_LIMIT },
    });
    app = await NestFactory.createMicroservice(TestModule, { strategy: server, logger: false });
    await app.listen();
    await server.waitForConsumer();
  });

  afterAll(async () => {
    open();
    await app?.close();
    await proxy?.stop();
    await broker?.close();
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    await store?.close();
  });

  const ready = async () => {
    const ch = await broker.createChannel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await ch.close();
    }
  };

  /** The connection drops with every delivery unacked, as when the process is killed; the consumer reconnects. */
  const restart = async () => {
    await expectEventually(async () => expect(await ready()).toBe(0)); // all delivered, in the consumer's hands
    // A restarted process lives a while before it is killed again (it boots, connects, consumes): enough to renew.
    await new Promise((r) => setTimeout(r, 300));
    await proxy.cut();
    await proxy.restore();
    await server.waitForConsumer();
  };

  it('a message that keeps coming back after its last renewal reaches the DLQ by the delivery limit', async () => {
    // As a message that crashes the consumer would be after its renewals: never acked, renewed no more.
    shut();
    const crasher = enrolledEvent('CRASHER');
    const ch = await broker.createConfirmChannel();
    ch.publish(exchange, crasher.type, Buffer.from(JSON.stringify(crasher)), {
      persistent: true,
      messageId: crasher.id,
      headers: { 'x-renewals': MAX_RENEWALS },
    });
    await ch.waitForConfirms();
    await ch.close();
    const dead: amqp.GetMessage[] = [];
    for (let i = 0; i <= DELIVERY_LIMIT + 1 && dead.length === 0; i++) {
      await restart();
      dead.push(...(await drainQueue(amqpUrl, deadLetterQueueName(queue))));
    }
    expect(dead).toHaveLength(1);
    expect(dead[0]!.properties.messageId).toBe(crasher.id);
    expect(dead[0]!.properties.headers).toMatchObject({ 'x-first-death-reason': 'delivery_limit' });
    open();
  });

  it('healthy events survive one and a half times the delivery limit in restarts and are applied once; none is dead-lettered', async () => {
    shut();
    const events = Array.from({ length: 30 }, (_, i) => enrolledEvent(`R${i}`));
    await publishEvents(amqpUrl, exchange, events);
    for (let i = 0; i < DELIVERY_LIMIT * 1.5; i++) await restart();
    expect((await drainQueue(amqpUrl, deadLetterQueueName(queue))).map((m) => m.properties.headers)).toEqual([]);
    expect(server.stats.renewed).toBeGreaterThanOrEqual(30);

    open();
    // Only these events' effects: the crasher of the test before was in a batch held at the gate, and is applied now.
    const applied = async () => (await store.uow.effects()).filter((s) => s.startsWith('R'));
    await expectEventually(async () => expect(await applied()).toEqual(events.map((e) => e.subject).sort()), { timeoutMs: 30_000 });
    expect(await drainQueue(amqpUrl, deadLetterQueueName(queue))).toEqual([]);
  });
});
