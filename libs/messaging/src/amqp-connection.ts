import { Logger } from '@nestjs/common';
import amqp, { AmqpConnectionManager } from 'amqp-connection-manager';

/** One reconnecting AMQP connection per process role (publisher or consumer). */
export function connectAmqp(url: string, name: string): AmqpConnectionManager {
  const logger = new Logger(`amqp:${name}`);
  const manager = amqp.connect([url], {
    heartbeatIntervalInSeconds: 10,
    reconnectTimeInSeconds: 1,
    connectionOptions: { clientProperties: { connection_name: name } },
  });
  manager.on('connect', () => logger.log('connected to RabbitMQ'));
  manager.on('disconnect', ({ err }) => logger.warn(`disconnected from RabbitMQ: ${err?.message ?? 'closed'}`));
  manager.on('connectFailed', ({ err }) => logger.warn(`cannot reach RabbitMQ: ${err?.message}`));
  return manager;
}
