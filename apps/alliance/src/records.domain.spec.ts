import { AllianceActivityHeld } from '@chanjiao/contracts';
import { decideActivity } from './activities/activity.domain';
import { normalizeAmount, toCents } from './common/money';
import { decideContribution } from './contributions/contribution.domain';
import { decideJoin, decideMemberChange, MemberState } from './members/member.domain';
import { decideCharter } from './charters/charter.domain';

const FOUNDED = '2019-05-20';

describe('charters', () => {
  const v1 = { allianceId: 'A1', version: 1, adoptedOn: '2019-05-20', summary: null };
  it('versions only increase; a repeat is a no-op; a reused version with other content conflicts', () => {
    const first = decideCharter([], v1, FOUNDED);
    expect(first).toMatchObject({ ok: true, outcome: 'created', state: { sequence: 1 } });
    const charters = [first.ok ? first.state : never()];
    expect(decideCharter(charters, v1, FOUNDED)).toMatchObject({ outcome: 'unchanged' });
    expect(decideCharter(charters, { ...v1, summary: 'x' }, FOUNDED)).toMatchObject({
      ok: false,
      error: { code: 'charter_version_exists' },
    });
    const v3 = decideCharter(charters, { ...v1, version: 3, adoptedOn: '2022-04-18' }, FOUNDED);
    expect(v3).toMatchObject({ ok: true, state: { sequence: 2 } });
    expect(v3.ok && v3.emit?.data).toEqual({ allianceId: 'A1', version: 3, adoptedOn: '2022-04-18' });
    const two = [...charters, v3.ok ? v3.state : never()];
    expect(decideCharter(two, { ...v1, version: 2, adoptedOn: '2022-05-01' }, FOUNDED)).toMatchObject({
      ok: false,
      error: { kind: 'conflict', code: 'charter_version_not_increasing', field: 'version' },
    });
    expect(decideCharter(two, { ...v1, version: 4, adoptedOn: '2022-01-01' }, FOUNDED)).toMatchObject({
      ok: false,
      error: { code: 'charter_date_before_previous', field: 'adoptedOn' },
    });
  });

  it('a charter adopted before the alliance was founded is refused, naming adoptedOn', () => {
    expect(decideCharter([], { ...v1, adoptedOn: '1950-01-01' }, FOUNDED)).toMatchObject({
      ok: false,
      error: { kind: 'invalid', code: 'date_before_founding', field: 'adoptedOn' },
    });
  });
});

describe('contributions', () => {
  const joined = decideJoin(
    undefined,
    { allianceId: 'A1', memberId: 'E1', memberKind: 'enterprise', role: 'member', joinedOn: '2020-01-01' },
    '2019-01-01',
  );
  const member = joined.ok ? joined.state : never();
  const left = decideMemberChange(member, 'A1', 'E1', { kind: 'departure', date: '2022-01-01' });
  const former: MemberState = left.ok ? left.state : never();
  const input = {
    allianceId: 'A1',
    contributionId: 'C1',
    memberId: 'E1',
    kind: 'funds' as const,
    amount: '1000.5',
    description: '张三 helped',
    date: '2021-06-01',
  };

  it('records once with a normalized amount; the description is not published', () => {
    const d = decideContribution(undefined, input, former);
    expect(d).toMatchObject({ ok: true, outcome: 'created', state: { amount: '1000.50' } });
    expect(d.ok && d.emit?.data).toEqual({
      allianceId: 'A1',
      contributionId: 'C1',
      memberId: 'E1',
      kind: 'funds',
      amount: '1000.50',
      date: '2021-06-01',
    });
    const recorded = d.ok ? d.state : never();
    expect(decideContribution(recorded, { ...input, amount: '1000.50' }, former)).toMatchObject({ outcome: 'unchanged' });
    expect(decideContribution(recorded, { ...input, amount: '1000.51' }, former)).toMatchObject({
      ok: false,
      error: { kind: 'conflict', code: 'contribution_exists' },
    });
  });

  it('needs a member of the alliance on its date', () => {
    expect(decideContribution(undefined, input, undefined)).toMatchObject({
      ok: false,
      error: { kind: 'invalid', code: 'unknown_member', field: 'memberId' },
    });
    expect(decideContribution(undefined, { ...input, date: '2022-01-01' }, former)).toMatchObject({
      ok: false,
      error: { kind: 'conflict', code: 'member_not_current', field: 'memberId' },
    });
  });

  it('money is exact', () => {
    expect(toCents('0.1')).toBe(10);
    expect(toCents('123')).toBe(12300);
    expect(normalizeAmount('9999999999999.99')).toBe('9999999999999.99');
    expect(normalizeAmount('0.07')).toBe('0.07');
  });
});

describe('activities', () => {
  const input = {
    allianceId: 'A1',
    activityId: 'F1',
    kind: 'forum' as const,
    title: 'Forum',
    date: '2022-09-16',
    online: false,
    participants: ['E1', ' E1', '新疆大学'],
    participantCount: 40,
  };
  it('keeps distinct participants; a repeat is a no-op; other content conflicts', () => {
    const d = decideActivity(undefined, input, FOUNDED);
    expect(d).toMatchObject({ ok: true, outcome: 'created', state: { participants: ['E1', '新疆大学'] } });
    const held = d.ok ? d.state : never();
    expect(decideActivity(held, input, FOUNDED)).toMatchObject({ outcome: 'unchanged' });
    expect(decideActivity(held, { ...input, participantCount: 41 }, FOUNDED)).toMatchObject({
      ok: false,
      error: { code: 'activity_exists' },
    });
  });

  it('publishes v2: the number of participating bodies, the count given or else the distinct participants listed', () => {
    const given = decideActivity(undefined, input, FOUNDED);
    expect(given.ok && given.emit).toMatchObject({ definition: AllianceActivityHeld, data: { participantCount: 40 } });
    const listed = decideActivity(undefined, { ...input, participantCount: null }, FOUNDED);
    expect(listed).toMatchObject({ ok: true, state: { participantCount: null } });
    expect(listed.ok && listed.emit?.data).toMatchObject({ participants: ['E1', '新疆大学'], participantCount: 2 });
  });

  it('an activity dated before the alliance was founded is refused, naming date', () => {
    expect(decideActivity(undefined, { ...input, date: '1950-01-01' }, FOUNDED)).toMatchObject({
      ok: false,
      error: { kind: 'invalid', code: 'date_before_founding', field: 'date' },
    });
  });
});

function never(): never {
  throw new Error('unexpected failure');
}
