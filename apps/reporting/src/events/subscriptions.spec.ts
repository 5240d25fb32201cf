import 'reflect-metadata';
import { ALL_EVENTS } from '@chanjiao/contracts';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { projectionsFor } from '../projection/projection.registry';
import { EnrollmentEventsHandler } from './enrollment-events.handler';

const HANDLERS = [EnrollmentEventsHandler];

describe('reporting subscriptions', () => {
  const patterns = HANDLERS.flatMap((h) =>
    Object.getOwnPropertyNames(h.prototype).flatMap(
      (m) => (Reflect.getMetadata(PATTERN_METADATA, (h.prototype as unknown as Record<string, object>)[m]!) as string[] | undefined) ?? [],
    ),
  );

  it('every event type in the catalogue has an @EventPattern handler and a projection', () => {
    for (const d of ALL_EVENTS) {
      expect(patterns).toContain(d.type);
      expect(projectionsFor(d.type).length).toBeGreaterThan(0);
    }
  });
});
