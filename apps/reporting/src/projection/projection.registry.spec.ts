import { ALL_EVENTS } from '@chanjiao/contracts';
import { ProjectionRegistry } from './projection.registry';

describe('projection registry', () => {
  it('lists every event type in the catalogue once, each with a projection, and nothing else', () => {
    const registry = new ProjectionRegistry({ localRegionPrefix: '6528' });
    for (const d of ALL_EVENTS) expect(registry.projectionsFor(d.type).length).toBeGreaterThan(0);
    expect(registry.types().sort()).toEqual(ALL_EVENTS.map((d) => d.type).sort());
  });

  it('refuses a type it does not list', () => {
    const registry = new ProjectionRegistry({ localRegionPrefix: '6528' });
    expect(() => registry.projectionsFor('enrollment.student.teleported.v1')).toThrow(/no projection/);
  });
});
