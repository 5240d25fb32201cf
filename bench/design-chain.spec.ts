import { consumerBatch, designEvent } from './design-chain.stage';

describe('the design chain', () => {
  it("writes the batch ingest's mix of events, each with an id of its own", () => {
    const events = Array.from({ length: 200 }, (_, i) => designEvent(i));
    const types = new Map<string, number>();
    for (const e of events) types.set(e.event.type as string, (types.get(e.event.type as string) ?? 0) + 1);
    expect(Object.fromEntries(types)).toEqual({
      'enrollment.student.enrolled.v1': 100,
      'placement.internship.started.v1': 50,
      'partnership.partner.registered.v1': 30,
      'alliance.member.joined.v1': 20,
    });
    expect(new Set(events.map((e) => e.event.id)).size).toBe(200);
    expect(new Set(events.map((e) => `${e.kind}/${e.id}`)).size).toBe(200);
    expect(events[123]!.event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("gives the consumer's statement each event's id, type, counter and body, as JSON however the fields are spelt", () => {
    const body = (e: Record<string, unknown>) => JSON.stringify(e);
    const enrolled = designEvent(0).event;
    const odd = Object.assign({}, designEvent(19).event, { institution: 'a "quoted" \\ 院校' });
    const batch = JSON.parse(consumerBatch([body(enrolled), body(odd)]));
    expect(batch).toEqual([
      { id: enrolled.id, type: 'enrollment.student.enrolled.v1', counter: 'BENCH|enrollment.student.enrolled.v1|2022', event: enrolled },
      { id: odd.id, type: 'alliance.member.joined.v1', counter: 'a "quoted" \\ 院校|alliance.member.joined.v1|A9', event: odd },
    ]);
  });
});
