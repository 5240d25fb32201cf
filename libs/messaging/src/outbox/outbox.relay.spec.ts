import { enrolledEvent } from '@chanjiao/testing';
import { envelopeFields } from './outbox.relay';

const event = (traceparent?: string) => enrolledEvent('S1', traceparent);

describe('envelopeFields', () => {
  const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('reads time and traceparent from an event as the outbox stores it, as parsing would', () => {
    for (const e of [event(), event(trace)]) {
      const text = JSON.stringify(e);
      const parsed = JSON.parse(text) as { time: string; traceparent?: string };
      expect(envelopeFields(text)).toEqual({ time: parsed.time, ...(parsed.traceparent ? { traceparent: parsed.traceparent } : {}) });
    }
    expect(envelopeFields(JSON.stringify(event(trace))).traceparent).toBe(trace);
  });

  it('parses any other layout: keys after data, spaces (jsonb text), a data field named like an attribute', () => {
    const e = event(trace);
    const { data, ...attributes } = e;
    const dataFirst = JSON.stringify({ data: { time: 'not this', traceparent: 'nor this' }, ...attributes });
    expect(envelopeFields(dataFirst)).toMatchObject({ time: e.time, traceparent: trace });
    const spaced = JSON.stringify(e, null, 1);
    expect(envelopeFields(spaced)).toMatchObject({ time: e.time, traceparent: trace });
    const traceInDataOnly = JSON.stringify({ ...attributes, traceparent: undefined, data: { ...data, traceparent: 'nor this' } });
    expect(envelopeFields(traceInDataOnly)).toEqual(expect.objectContaining({ time: e.time }));
    expect(envelopeFields(traceInDataOnly).traceparent).toBeUndefined();
  });

  it('fails on a payload that is not JSON', () => {
    expect(() => envelopeFields('{"time":"x"')).toThrow(SyntaxError);
  });
});
