import type { CloudEvent } from '@chanjiao/contracts';
import { httpClient, HttpClient } from '@chanjiao/testing';
import { publishEvents } from '@chanjiao/testing';
import { startStack, TestStack } from './stack';

export type DeliveryVariant = 'CLEAN' | 'TWICE' | 'REVERSED' | 'SHUFFLED';

/**
 * One clean stream delivered four ways: as is, twice over, reversed, and shuffled (seeded, so a failure
 * can be replayed) with the events `duplicate` names sent a second time. Each variant goes to an
 * institution of its own name; a projection that is right gives all four the figures of CLEAN.
 */
export function deliveryVariants(shuffle: {
  seed: number;
  duplicate: [number, number];
}): Record<DeliveryVariant, (e: CloudEvent[]) => CloudEvent[]> {
  return {
    CLEAN: (e) => e,
    TWICE: (e) => [...e, ...e],
    REVERSED: (e) => [...e].reverse(),
    SHUFFLED: (e) => {
      let seed = shuffle.seed;
      const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const out = [...e, ...e.slice(...shuffle.duplicate)];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}

/**
 * Starts reporting alone with consumer batches of three (so reordering crosses transactions, through the
 * parked events) and publishes every variant of `streamFor(institution)`; the reversed one a message at a
 * time, so each event lands in a batch of its own. Returns the stack and an admin client of reporting.
 */
export async function startRedelivery(
  variants: Record<DeliveryVariant, (e: CloudEvent[]) => CloudEvent[]>,
  streamFor: (institution: DeliveryVariant) => CloudEvent[],
): Promise<{ stack: TestStack; admin: HttpClient }> {
  const stack = await startStack({ services: ['reporting'], env: { CONSUMER_BATCH_SIZE: '3', CONSUMER_BATCH_WINDOW_MS: '5' } });
  try {
    const key = await stack.keys.create({ role: 'admin', services: ['*'], institutions: ['*'] });
    const admin = httpClient(stack.urls.reporting!, key.key);
    for (const [name, arrange] of Object.entries(variants) as Array<[DeliveryVariant, (e: CloudEvent[]) => CloudEvent[]]>) {
      const events = arrange(streamFor(name));
      if (name === 'REVERSED') for (const e of events) await publishEvents(stack.amqpUrl, stack.exchange, [e]);
      else await publishEvents(stack.amqpUrl, stack.exchange, events);
    }
    return { stack, admin };
  } catch (e) {
    await stack.close();
    throw e;
  }
}
