import { Logger } from '@nestjs/common';
import amqplib, { type ChannelModel } from 'amqplib';
import amqp, { AmqpConnectionManager } from 'amqp-connection-manager';
import { amqpNodes } from '@chanjiao/config';
import { amqplibFastPath, coalesceFrameWrites } from './adapters/amqplib-internals';

function nodesOf(url: string): string[] {
  const nodes = amqpNodes(url);
  if (nodes.length === 0) throw new Error('AMQP_URL names no broker');
  return nodes;
}

/**
 * One reconnecting AMQP connection per process role (publisher or consumer). With several nodes it
 * moves to the next one when its node goes away.
 */
export function connectAmqp(url: string, name: string): AmqpConnectionManager {
  const logger = new Logger(`amqp:${name}`);
  const manager = amqp.connect(nodesOf(url), {
    heartbeatIntervalInSeconds: 10,
    reconnectTimeInSeconds: 1,
    connectionOptions: { clientProperties: { connection_name: name } },
  });
  manager.on('connect', ({ connection, url: node }) => {
    logger.log(`connected to RabbitMQ at ${hostOf(node)}`);
    if (!coalesceFrameWrites(connection) && amqplibFastPath.on)
      logger.warn('amqplib internals changed: frames go to the socket one write each');
  });
  manager.on('disconnect', ({ err }) => logger.warn(`disconnected from RabbitMQ: ${err?.message ?? 'closed'}`));
  manager.on('connectFailed', ({ err }) => logger.warn(`cannot reach RabbitMQ: ${err?.message}`));
  return manager;
}

/** A plain connection (for tools and one-off declarations) to the first node of `url` that answers. */
export async function connectAnyNode(url: string, options?: { clientProperties?: Record<string, unknown> }): Promise<ChannelModel> {
  let last: unknown;
  for (const node of nodesOf(url)) {
    try {
      const connection = await amqplib.connect(node, options);
      coalesceFrameWrites(connection);
      return connection;
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

function hostOf(node: unknown): string {
  try {
    const u = new URL(typeof node === 'string' ? node : String((node as { url?: string }).url ?? node));
    return u.host;
  } catch {
    return 'broker';
  }
}
