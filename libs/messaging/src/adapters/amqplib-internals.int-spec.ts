import amqp, { type ChannelModel } from 'amqplib';
import { testServiceUrls, uniqueSuffix, useLibraryFastPaths } from '@chanjiao/testing';
import { countSocketWrites } from '@chanjiao/testing';
import { connectAnyNode } from '../amqp-connection';
import { coalesceFrameWrites } from './amqplib-internals';

describe('frames written together (real RabbitMQ)', () => {
  const { amqpUrl } = testServiceUrls();
  const queue = `test.frame-writes.${uniqueSuffix()}`;
  const N = 300;
  const connections: ChannelModel[] = [];
  afterAll(async () => {
    const ch = await connections[0]!.createChannel();
    await ch.deleteQueue(queue);
    for (const c of connections) await c.close();
  });

  /** Publishes N persistent messages in one go on a confirm channel; returns the socket writes it took and what arrived. */
  async function burst(model: ChannelModel): Promise<{ writes: number; received: string[] }> {
    const ch = await model.createConfirmChannel();
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await ch.purgeQueue(queue);
    const counter = countSocketWrites(model);
    for (let i = 0; i < N; i++) ch.sendToQueue(queue, Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(500) })), { persistent: true });
    await ch.waitForConfirms();
    const writes = counter.writes();
    counter.restore();
    const received: string[] = [];
    await new Promise<void>((resolve) => {
      void ch.consume(queue, (m) => {
        received.push(m!.content.toString());
        ch.ack(m!);
        if (received.length === N) resolve();
      });
    });
    await ch.close();
    return { writes, received };
  }

  const expected = Array.from({ length: N }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(500) }));

  it('sends a burst of publishes in a few socket writes, every message intact and in order', async () => {
    const model = await connectAnyNode(amqpUrl); // coalesces
    connections.push(model);
    const { writes, received } = await burst(model);
    expect(received).toEqual(expected);
    // 300 messages of ~600 bytes are ~190 kB: the socket's 16 kB buffer limit splits them into a dozen or so writes.
    expect(writes).toBeLessThan(N / 5);
  });

  it('on the public path (CHANJIAO_LIBRARY_FAST_PATHS=off) connects as amqplib does: a write per message, every message intact', async () => {
    useLibraryFastPaths('off');
    try {
      const model = await connectAnyNode(amqpUrl);
      connections.push(model);
      const { writes, received } = await burst(model);
      expect(received).toEqual(expected);
      expect(writes).toBeGreaterThanOrEqual(N);
    } finally {
      useLibraryFastPaths('on');
    }
  });

  it('without it, amqplib writes each message by itself (what the above guards against)', async () => {
    const model = await amqp.connect(amqpUrl);
    connections.push(model);
    const { writes, received } = await burst(model);
    expect(received).toEqual(expected);
    expect(writes).toBeGreaterThanOrEqual(N);
  });

  it('leaves a connection it does not recognise alone and says so', () => {
    expect(coalesceFrameWrites({} as ChannelModel)).toBe(false);
  });
});
