import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';
import type { CloudEvent } from '@chanjiao/contracts';
import type { EventTransaction } from './event-unit-of-work';

type Args<TTx> = [CloudEvent, TTx, ConsumeMessage, number];

/** What an `@EventPattern` handler gets with `@Ctx()`: the batch transaction it must write through. */
export class AmqpEventContext<TTx extends EventTransaction = EventTransaction> extends BaseRpcContext<Args<TTx>> {
  getEvent(): CloudEvent {
    return this.args[0];
  }
  getTransaction(): TTx {
    return this.args[1];
  }
  getMessage(): ConsumeMessage {
    return this.args[2];
  }
  /** 1 on first delivery, n on the n-th attempt after retries. */
  getAttempt(): number {
    return this.args[3];
  }
}
