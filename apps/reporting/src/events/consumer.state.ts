import { Injectable } from '@nestjs/common';
import type { AmqpEventServer } from '@chanjiao/messaging';
import type { BrokerHealth } from '@chanjiao/edge';

/** The consumer is built outside DI (it is the app's transport); this holder lets health and freshness see it. */
@Injectable()
export class ConsumerState implements BrokerHealth {
  server?: AmqpEventServer;

  isConnected(): boolean {
    return this.server?.isConnected() ?? false;
  }

  /** Resolves once the consumer's queue is declared, bound and consumed. */
  async ready(): Promise<void> {
    await this.server?.waitForConsumer();
  }

  queueDepth(): Promise<number | null> {
    return this.server?.queueDepth() ?? Promise.resolve(null);
  }

  deadLetterDepth(): Promise<number | null> {
    return this.server?.deadLetterDepth() ?? Promise.resolve(null);
  }
}
