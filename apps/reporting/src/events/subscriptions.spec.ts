import 'reflect-metadata';
import { ALL_EVENTS } from '@chanjiao/contracts';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { ProjectionRegistry } from '../projection/projection.registry';
import { AllianceEventsHandler } from './alliance-events.handler';
import { EnrollmentEventsHandler } from './enrollment-events.handler';
import { PlacementEventsHandler } from './placement-events.handler';
import { PartnershipEventsHandler } from './partnership-events.handler';

const HANDLERS = [EnrollmentEventsHandler, PlacementEventsHandler, PartnershipEventsHandler, AllianceEventsHandler];

describe('reporting subscriptions', () => {
  const patterns = HANDLERS.flatMap((h) =>
    Object.getOwnPropertyNames(h.prototype).flatMap(
      (m) => (Reflect.getMetadata(PATTERN_METADATA, (h.prototype as unknown as Record<string, object>)[m]!) as string[] | undefined) ?? [],
    ),
  );

  it('every event type in the catalogue has an @EventPattern handler and a projection', () => {
    const registry = new ProjectionRegistry({ localRegionPrefix: '6528' });
    for (const d of ALL_EVENTS) {
      expect(patterns).toContain(d.type);
      expect(registry.projectionsFor(d.type).length).toBeGreaterThan(0);
    }
    expect(registry.types().sort()).toEqual(ALL_EVENTS.map((d) => d.type).sort());
  });
});
