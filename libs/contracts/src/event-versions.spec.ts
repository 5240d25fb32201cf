import { z } from 'zod';
import {
  ALL_EVENT_VERSIONS,
  ALL_EVENTS,
  AllianceActivityHeld,
  AllianceActivityHeldV1,
  allianceChildSubject,
  buildEvent,
  CloudEvent,
  DataOf,
  defineEvent,
  defineNextVersion,
  EventDefinition,
  InvalidEventError,
  parseEvent,
  typesUpcastTo,
  upcastEvent,
  upcastTo,
} from './index';

const time = new Date('2022-09-16T10:00:00+08:00');
const envelope = { institution: 'BZVTC', subject: allianceChildSubject('A1', 'F1'), sequence: 1, time, actor: 'k1' };
const activity = {
  allianceId: 'A1',
  activityId: 'F1',
  kind: 'forum' as const,
  title: '产教融合论坛',
  date: '2022-09-16',
  online: false,
  participants: ['E1', 'V1', '新疆大学'],
};
/** What a consumer receives: the JSON on the wire, parsed. */
const received = (e: CloudEvent) => parseEvent(JSON.parse(JSON.stringify(e)));

describe('event versions: alliance.activity.held v1 → v2', () => {
  it('a v1 event upcast equals the v2 event built directly from the same facts', () => {
    const v1 = buildEvent(AllianceActivityHeldV1, { ...envelope, data: { ...activity, participantCount: null } });
    const v2 = buildEvent(AllianceActivityHeld, { ...envelope, data: { ...activity, participantCount: 3 } });
    expect(upcastEvent(received(v1))).toEqual({ ...received(v2), id: v1.id });

    const counted = buildEvent(AllianceActivityHeldV1, { ...envelope, data: { ...activity, participantCount: 42 } });
    expect(upcastEvent(received(counted))).toMatchObject({ type: 'alliance.activity.held.v2', data: { participantCount: 42 } });
  });

  it('parses each version against its own schema, and hands a latest-version event back as it is', () => {
    const v2 = received(buildEvent(AllianceActivityHeld, { ...envelope, data: { ...activity, participantCount: 3 } }));
    expect(upcastEvent(v2)).toBe(v2);
    // null is v1's "not given"; v2 has no such value.
    expect(() => parseEvent({ ...v2, data: { ...(v2.data as object), participantCount: null } })).toThrow(
      /invalid alliance\.activity\.held\.v2 data: data\.participantCount/,
    );
    const v1 = buildEvent(AllianceActivityHeldV1, { ...envelope, data: { ...activity, participantCount: null } });
    expect(received(v1)).toMatchObject({ type: 'alliance.activity.held.v1', data: { participantCount: null } });
  });

  it('refuses a version it does not know', () => {
    const v2 = buildEvent(AllianceActivityHeld, { ...envelope, data: { ...activity, participantCount: 3 } });
    for (const type of ['alliance.activity.held.v3', 'alliance.activity.held.v0']) {
      expect(() => parseEvent({ ...v2, type })).toThrow(/unknown event type/);
      expect(() => upcastEvent({ ...v2, type })).toThrow(InvalidEventError);
    }
  });

  it('the registry keeps the latest versions in ALL_EVENTS and every version in ALL_EVENT_VERSIONS', () => {
    expect(ALL_EVENTS).toContain(AllianceActivityHeld);
    expect(ALL_EVENTS).not.toContain(AllianceActivityHeldV1);
    expect(ALL_EVENT_VERSIONS.indexOf(AllianceActivityHeldV1)).toBe(ALL_EVENT_VERSIONS.indexOf(AllianceActivityHeld) - 1);
    const superseded = new Set(ALL_EVENT_VERSIONS.map((d) => d.supersedes?.from));
    for (const d of ALL_EVENTS) expect(superseded.has(d)).toBe(false);
    expect(new Set(ALL_EVENT_VERSIONS.map((d) => d.type)).size).toBe(ALL_EVENT_VERSIONS.length);
  });

  it('a consumer of the latest type takes its earlier versions too', () => {
    expect(typesUpcastTo('alliance.activity.held.v2')).toEqual(['alliance.activity.held.v1', 'alliance.activity.held.v2']);
    expect(typesUpcastTo('alliance.activity.held.v1')).toEqual(['alliance.activity.held.v1']);
    expect(typesUpcastTo('enrollment.student.enrolled.v1')).toEqual(['enrollment.student.enrolled.v1']);
    expect(typesUpcastTo('test.thing.done.v1')).toEqual(['test.thing.done.v1']);
  });
});

describe('upcaster chains', () => {
  // A type of three versions, outside the registry: v2 splits `name`, v3 adds the subject's `code` from the envelope.
  const V1 = defineEvent({
    service: 'partnership',
    entity: 'probe',
    subject: 'probe code',
    type: 'partnership.probe.measured.v1',
    description: 'v1',
    schema: z.object({ name: z.string() }),
  });
  const V2 = defineNextVersion(V1, {
    type: 'partnership.probe.measured.v2',
    description: 'v2',
    schema: z.object({ given: z.string(), family: z.string() }),
    changes: '`name` split',
    upcast: ({ name }) => {
      const [family = '', given = ''] = name.split(' ');
      return { given, family };
    },
  });
  const V3 = defineNextVersion(V2, {
    type: 'partnership.probe.measured.v3',
    description: 'v3',
    schema: z.object({ given: z.string(), family: z.string(), code: z.string().min(2) }),
    changes: '`code`, the subject',
    upcast: (v2, e) => ({ ...v2, code: e.subject }),
  });
  const at = <D extends EventDefinition>(d: D, data: DataOf<D>, subject = 'P1') =>
    buildEvent(d, { institution: 'BZVTC', subject, sequence: 1, data, time });

  it('composes: v1 → v2 → v3 equals v3 built directly, as does v2 → v3', () => {
    const v3 = at(V3, { given: 'Ming', family: 'Li', code: 'P1' });
    const same = (e: CloudEvent) => expect(upcastTo(V3, e)).toEqual({ ...v3, id: e.id });
    same(at(V1, { name: 'Li Ming' }));
    same(at(V2, { given: 'Ming', family: 'Li' }));
    expect(upcastTo(V2, at(V1, { name: 'Li Ming' }))).toMatchObject({ type: V2.type, data: { given: 'Ming', family: 'Li' } });
  });

  it('refuses an upcaster result its version does not accept, and an event of another type', () => {
    expect(() => upcastTo(V3, at(V1, { name: 'Li Ming' }, 'P'))).toThrow(
      /partnership\.probe\.measured\.v2 upcast to partnership\.probe\.measured\.v3 is invalid: data\.code/,
    );
    expect(() => upcastTo(V3, at(AllianceActivityHeld, { ...activity, participantCount: 3 }))).toThrow(InvalidEventError);
  });

  it('a next version is the same type one version up, and a version has one next version only', () => {
    const next = { description: 'x', schema: z.object({}), changes: 'x', upcast: () => ({}) };
    expect(() => defineNextVersion(V1, { ...next, type: 'partnership.probe.measured.v3' })).toThrow(
      /must be partnership\.probe\.measured\.v2/,
    );
    expect(() => defineNextVersion(V3, { ...next, type: 'partnership.probe.weighed.v4' })).toThrow(
      /must be partnership\.probe\.measured\.v4/,
    );
    expect(() => defineNextVersion(V1, { ...next, type: 'partnership.probe.measured.v2' })).toThrow(/has a next version already/);
  });
});
