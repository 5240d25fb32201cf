import { describeViewMappers } from '@chanjiao/testing';
import { toActivityView } from './activities/activity.dto';
import { toAllianceView } from './alliances/alliance.dto';
import { toCharterView } from './charters/charter.dto';
import { toContributionView } from './contributions/contribution.dto';
import { toMemberView } from './members/member.dto';

describe('alliance API views are allow-lists', () => {
  describeViewMappers({
    alliance: {
      mapper: toAllianceView,
      sample: { allianceId: 'AL1', name: 'N', scope: 'regional', sector: null, foundedOn: '2021-01-01', role: 'lead', version: 1 },
    },
    charter: { mapper: toCharterView, sample: { allianceId: 'AL1', version: 2, adoptedOn: '2022-01-01', summary: null, sequence: 3 } },
    member: {
      mapper: toMemberView,
      sample: {
        allianceId: 'AL1',
        memberId: 'M1',
        memberKind: 'enterprise',
        role: 'member',
        status: 'active',
        joinedOn: '2022-01-01',
        departedOn: null,
        periods: [
          {
            memberKind: 'enterprise',
            role: 'member',
            joinedOn: '2022-01-01',
            roleChanges: [{ date: '2023-01-01', role: 'member', note: 'must not leak' }],
            departedOn: null,
            note: 'must not leak',
          },
        ],
        version: 2,
      },
    },
    contribution: {
      mapper: toContributionView,
      sample: {
        allianceId: 'AL1',
        contributionId: 'C1',
        memberId: 'M1',
        kind: 'funds',
        amount: '1.00',
        description: null,
        date: '2024-01-01',
      },
    },
    activity: {
      mapper: toActivityView,
      sample: {
        allianceId: 'AL1',
        activityId: 'A1',
        kind: 'meeting',
        title: 'T',
        date: '2024-01-01',
        online: false,
        participants: ['M1'],
        participantCount: null,
      },
    },
  });
});
