import { allianceDataSet, forumParticipants } from './alliance-data';
import { seeded } from './random';

describe('alliance demo data set', () => {
  const set = allianceDataSet(seeded(20220620));

  it('is deterministic for a seed', () => {
    expect(allianceDataSet(seeded(20220620))).toEqual(set);
    expect(allianceDataSet(seeded(7))).not.toEqual(set);
  });

  it('has the source figures: 7 alliances founded before 2022, 5 led, a 2022 forum of 40+ bodies', () => {
    expect(set.alliances).toHaveLength(7);
    expect(set.alliances.every((a) => a.foundedOn < '2022-01-01')).toBe(true);
    expect(set.alliances.filter((a) => a.role === 'chair' || a.role === 'secretary_general')).toHaveLength(5);
    expect(set.forum).toMatchObject({ kind: 'forum', online: true, date: '2022-11-18' });
    expect(forumParticipants(set)).toBeGreaterThanOrEqual(40);
    expect(set.forum.participants).toHaveLength(forumParticipants(set));
    const otherForums = set.activities.filter((a) => a.kind === 'forum' && a.date.startsWith('2022'));
    expect(Math.max(...otherForums.map((a) => a.participantCount!))).toBeLessThan(40);
  });

  it('is consistent: tens of members per alliance joining after the founding, changes and contributions of current members', () => {
    for (const a of set.alliances) {
      const joins = set.joins.filter((j) => j.allianceId === a.allianceId);
      expect(joins.length).toBeGreaterThanOrEqual(20);
      expect(new Set(joins.map((j) => j.memberId)).size).toBe(joins.length);
      expect(joins.every((j) => j.joinedOn >= a.foundedOn && j.joinedOn <= '2022-12-31')).toBe(true);
      expect(set.charters.some((c) => c.allianceId === a.allianceId && c.version === 1)).toBe(true);
      const kinds = new Set(set.contributions.filter((c) => c.allianceId === a.allianceId).map((c) => c.kind));
      expect([...kinds].sort()).toEqual(['equipment', 'funds', 'talent', 'technology']);
    }
    const joinOf = (allianceId: string, memberId: string) => set.joins.find((j) => j.allianceId === allianceId && j.memberId === memberId)!;
    for (const c of set.roleChanges) expect(c.date > joinOf(c.allianceId, c.memberId).joinedOn).toBe(true);
    for (const d of set.departures) expect(d.date > joinOf(d.allianceId, d.memberId).joinedOn).toBe(true);
    expect(set.rejoins).toHaveLength(1);
    const left = set.departures.find((d) => d.allianceId === set.rejoins[0]!.allianceId && d.memberId === set.rejoins[0]!.memberId)!;
    expect(set.rejoins[0]!.joinedOn > left.date).toBe(true);
    const departed = new Set(set.departures.map((d) => `${d.allianceId}/${d.memberId}`));
    for (const c of set.contributions) {
      expect(departed.has(`${c.allianceId}/${c.memberId}`)).toBe(false);
      expect(c.date > joinOf(c.allianceId, c.memberId).joinedOn).toBe(true);
      if (c.kind === 'funds') expect(c.amount).toMatch(/^[1-9]\d*\.\d\d$/);
    }
    const ids = (xs: Array<{ allianceId: string } & Record<string, unknown>>, key: string) =>
      new Set(xs.map((x) => `${x.allianceId}/${x[key]}`)).size;
    expect(ids(set.contributions as never, 'contributionId')).toBe(set.contributions.length);
    expect(ids([...set.activities, set.forum] as never, 'activityId')).toBe(set.activities.length + 1);
  });

  it('names no people: members are ids, participants are bodies', () => {
    expect(set.joins.every((j) => /^[A-Z0-9-]+$/.test(j.memberId))).toBe(true);
    expect(set.forum.participants!.every((p) => /(学院|学校|大学|公司|中心|协会|研究院)$/.test(p))).toBe(true);
  });
});
