import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { buildEvent, CloudEvent, StudentCancelled, StudentEnrolled } from '@chanjiao/contracts';
import { expectEventually, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import {
  deleteBrokerObjects,
  drainQueue,
  enrolledEvent,
  inboxDatabase,
  InboxTransaction,
  InboxUnitOfWork,
  publishEvents,
} from '@chanjiao/testing';
import { AmqpEventServer, deadLetterQueueName } from '../index';

/** Nest only starts and stops the transport: the applier alone takes the events. */
@Module({})
class EmptyModule {}

describe('AmqpEventServer with one applier for its event types (real RabbitMQ and PostgreSQL)', () => {
  const { amqpUrl } = testServiceUrls();
  const suffix = uniqueSuffix();
  const exchange = `test.events.${suffix}`;
  const queue = `test.applier.${suffix}`;
  const applied: string[] = [];
  let store: Awaited<ReturnType<typeof inboxDatabase>>;
  let uow: InboxUnitOfWork;
  let server: AmqpEventServer<InboxTransaction>;
  let app: INestMicroservice;

  beforeAll(async () => {
    store = await inboxDatabase('applier');
    uow = store.uow;
    server = new AmqpEventServer<InboxTransaction>({
      url: amqpUrl,
      name: 'test-applier',
      unitOfWork: uow,
      batchSize: 50,
      batchWindowMs: 50,
      topology: { exchange, queue, bindings: ['#'], retryDelaysMs: [100], deliveryLimit: 20 },
      applier: {
        types: [StudentEnrolled.type],
        apply(event: CloudEvent, tx: InboxTransaction) {
          applied.push(event.subject);
          if (event.subject.startsWith('POISON')) throw new Error(`cannot apply ${event.subject}`);
          tx.staged.push(event);
        },
      },
    });
    app = await NestFactory.createMicroservice(EmptyModule, { strategy: server, logger: false });
    await app.listen();
    await server.waitForConsumer();
  });

  afterAll(async () => {
    await app?.close();
    await deleteBrokerObjects(amqpUrl, exchange, queue);
    await store?.close();
  });

  it('applies its types in the batch transaction, rejects what throws, and dead-letters types it does not name', async () => {
    const cancelled = buildEvent(StudentCancelled, {
      institution: 'TEST',
      subject: 'A1',
      sequence: 2,
      data: { studentId: 'A1', date: '2022-09-01' },
    });
    const poison = enrolledEvent('POISON1');
    await publishEvents(amqpUrl, exchange, [enrolledEvent('A1'), poison, cancelled, enrolledEvent('A2')]);
    await expectEventually(async () => expect(await uow.effects()).toEqual(['A1', 'A2']));
    const dead: Awaited<ReturnType<typeof drainQueue>> = [];
    await expectEventually(async () => {
      dead.push(...(await drainQueue(amqpUrl, deadLetterQueueName(queue))));
      expect(dead).toHaveLength(2);
    });
    const reasonOf = (id: string): unknown => dead.find((m) => m.properties.messageId === id)?.properties.headers?.['x-dead-letter-reason'];
    expect(reasonOf(cancelled.id)).toBe('no_handler');
    expect(reasonOf(poison.id)).toBe('handler_failed');
    // The poison event on its first attempt and its one retry; the type the applier does not name never reached it.
    expect(applied.sort()).toEqual(['A1', 'A2', 'POISON1', 'POISON1']);
  });
});
