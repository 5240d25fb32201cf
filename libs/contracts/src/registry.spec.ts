import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildEvent,
  parseEvent,
  InvalidEventError,
  normalizeEventId,
  renderEventCatalogue,
  StudentEnrolled,
  ALL_EVENT_VERSIONS,
  streamOf,
} from './index';

const enrolled = () =>
  buildEvent(StudentEnrolled, {
    institution: 'BZVTC',
    subject: 'S1',
    sequence: 1,
    data: {
      studentId: 'S1',
      programCode: '460103',
      cohortYear: 2022,
      level: 'higher_vocational',
      pathway: 'regular',
      partnerInstitution: null,
      orderClassId: null,
      apprenticeship: false,
      originRegion: '652801',
    },
  });

describe('event contracts', () => {
  it('builds CloudEvents 1.0 envelopes that the consumer side accepts', () => {
    const e = enrolled();
    expect(e).toMatchObject({
      specversion: '1.0',
      source: '/chanjiao/enrollment',
      type: 'enrollment.student.enrolled.v1',
      subject: 'S1',
      sequence: 1,
    });
    expect(parseEvent(JSON.parse(JSON.stringify(e)))).toEqual(e);
  });

  it('gives event ids in lower case, whatever case another publisher wrote them in', () => {
    const e = enrolled();
    expect(parseEvent({ ...e, id: e.id.toUpperCase() })).toEqual(e);
    expect(normalizeEventId(e.id.toUpperCase())).toBe(e.id);
    expect(normalizeEventId('Not-A-UUID')).toBe('Not-A-UUID');
  });

  it('refuses a payload that breaks the schema, naming the field', () => {
    const e = { ...enrolled(), data: { ...enrolled().data, level: 'phd' } };
    expect(() => parseEvent(e)).toThrow(InvalidEventError);
    expect(() => parseEvent(e)).toThrow(/data\.level/);
  });

  it('refuses unknown types, wrong sources and broken envelopes', () => {
    expect(() => parseEvent({ ...enrolled(), type: 'enrollment.student.teleported.v1' })).toThrow(/unknown event type/);
    expect(() => parseEvent({ ...enrolled(), source: '/chanjiao/placement' })).toThrow(/wrong source/);
    expect(() => parseEvent({ ...enrolled(), sequence: 0 })).toThrow(/sequence/);
    expect(() => parseEvent({ ...enrolled(), id: 'not-a-uuid' })).toThrow(/id/);
  });

  it('builder refuses invalid data before it can reach the outbox', () => {
    expect(() =>
      buildEvent(StudentEnrolled, { institution: 'BZVTC', subject: 'S1', sequence: 1, data: { ...enrolled().data, cohortYear: 1 } }),
    ).toThrow();
  });

  it('routing keys follow <service>.<entity>.<verb>.v<N> and streams are <service>.<entity>, in every version', () => {
    for (const d of ALL_EVENT_VERSIONS) {
      expect(d.type).toMatch(/^[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$/);
      expect(streamOf(d.type)).toBe(`${d.service}.${d.entity}`);
    }
  });

  it('the committed event catalogue is generated from the definitions (run `npm run catalogue`)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'events.md'), 'utf8');
    expect(committed).toBe(renderEventCatalogue());
  });
});
