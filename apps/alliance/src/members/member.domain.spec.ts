import { decideJoin, decideMemberChange, JoinInput, MemberState, wasMemberOn } from './member.domain';

const join: JoinInput = { allianceId: 'A1', memberId: 'E1', memberKind: 'enterprise', role: 'member', joinedOn: '2020-01-10' };
const FOUNDED = '2019-05-20';

function state(d: ReturnType<typeof decideJoin>): MemberState {
  if (!d.ok) throw d.error;
  return d.state;
}

describe('alliance membership', () => {
  it('joins at version 1; an identical repeat is a no-op; joining again while active is a conflict', () => {
    const d = decideJoin(undefined, join, FOUNDED);
    expect(d).toMatchObject({ ok: true, outcome: 'created', state: { version: 1, status: 'active', role: 'member' } });
    expect(d.ok && d.emit?.definition.type).toBe('alliance.member.joined.v1');
    expect(decideJoin(state(d), join, FOUNDED)).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(decideJoin(state(d), { ...join, role: 'council' }, FOUNDED)).toMatchObject({
      ok: false,
      error: { kind: 'conflict', code: 'member_already_active', field: 'memberId' },
    });
  });

  it('refuses a join before the alliance was founded', () => {
    expect(decideJoin(undefined, { ...join, joinedOn: '2019-01-01' }, FOUNDED)).toMatchObject({
      ok: false,
      error: { kind: 'invalid', code: 'join_before_founding', field: 'joinedOn' },
    });
  });

  it('departs once; leaving twice is a conflict; a re-join starts a new period with the next sequence', () => {
    const joined = state(decideJoin(undefined, join, FOUNDED));
    const left = decideMemberChange(joined, 'A1', 'E1', { kind: 'departure', date: '2021-05-01' });
    expect(left).toMatchObject({ ok: true, outcome: 'updated', state: { version: 2, status: 'departed', departedOn: '2021-05-01' } });
    const departed = state(left as never);
    expect(decideMemberChange(departed, 'A1', 'E1', { kind: 'departure', date: '2021-05-01' })).toMatchObject({ outcome: 'unchanged' });
    expect(decideMemberChange(departed, 'A1', 'E1', { kind: 'departure', date: '2021-06-01' })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', code: 'member_not_active' },
    });
    expect(decideJoin(departed, { ...join, joinedOn: '2021-04-01' }, FOUNDED)).toMatchObject({
      ok: false,
      error: { code: 'join_overlaps_membership', field: 'joinedOn' },
    });
    const back = decideJoin(departed, { ...join, role: 'council', joinedOn: '2022-09-01' }, FOUNDED);
    expect(back).toMatchObject({
      ok: true,
      outcome: 'updated',
      state: { version: 3, status: 'active', role: 'council', joinedOn: '2022-09-01' },
    });
    const rejoined = state(back);
    expect(rejoined.periods).toHaveLength(2);
    // Replaying the whole history changes nothing.
    expect(decideJoin(rejoined, join, FOUNDED)).toMatchObject({ outcome: 'unchanged' });
    expect(decideMemberChange(rejoined, 'A1', 'E1', { kind: 'departure', date: '2021-05-01' })).toMatchObject({ outcome: 'unchanged' });
    expect(wasMemberOn(rejoined, '2021-04-30')).toBe(true);
    expect(wasMemberOn(rejoined, '2021-05-01')).toBe(false);
    expect(wasMemberOn(rejoined, '2022-09-01')).toBe(true);
  });

  it('role changes are dated, need an active member and are repeat-safe', () => {
    const joined = state(decideJoin(undefined, join, FOUNDED));
    const changed = decideMemberChange(joined, 'A1', 'E1', { kind: 'role_change', role: 'council', date: '2022-03-01' });
    expect(changed).toMatchObject({ ok: true, state: { version: 2, role: 'council' } });
    expect(changed.ok && changed.emit?.data).toEqual({
      allianceId: 'A1',
      memberId: 'E1',
      role: 'council',
      previousRole: 'member',
      date: '2022-03-01',
    });
    const council = state(changed as never);
    expect(decideMemberChange(council, 'A1', 'E1', { kind: 'role_change', role: 'council', date: '2022-03-01' })).toMatchObject({
      outcome: 'unchanged',
    });
    expect(decideMemberChange(council, 'A1', 'E1', { kind: 'role_change', role: 'chair', date: '2022-01-01' })).toMatchObject({
      ok: false,
      error: { code: 'date_before_last_change', field: 'date' },
    });
    expect(decideMemberChange(council, 'A1', 'E1', { kind: 'departure', date: '2022-02-01' })).toMatchObject({
      ok: false,
      error: { code: 'date_before_last_change' },
    });
    const gone = state(decideMemberChange(council, 'A1', 'E1', { kind: 'departure', date: '2022-06-30' }) as never);
    expect(decideMemberChange(gone, 'A1', 'E1', { kind: 'role_change', role: 'chair', date: '2022-07-01' })).toMatchObject({
      ok: false,
      error: { code: 'member_not_active' },
    });
  });

  it('an unknown member is not found', () => {
    expect(decideMemberChange(undefined, 'A1', 'X', { kind: 'departure', date: '2022-01-01' })).toMatchObject({
      ok: false,
      error: { kind: 'not_found', code: 'member_not_found' },
    });
  });
});
