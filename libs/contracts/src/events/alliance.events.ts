import { z } from 'zod';
import { defineEvent, defineNextVersion, EventOf } from '../define-event';
import { SECTORS } from '../reference';
import { zDate, zId } from './common';

/** DESIGN.md §4 alliance: the alliance's reach. */
export const ALLIANCE_SCOPES = ['industry', 'regional', 'cross_province'] as const;
export type AllianceScope = (typeof ALLIANCE_SCOPES)[number];

/** This institution's role in an alliance, and a member's role in it (DESIGN.md §4). */
export const ALLIANCE_ROLES = ['chair', 'vice_chair', 'secretary_general', 'council', 'member'] as const;
export type AllianceRole = (typeof ALLIANCE_ROLES)[number];

/** Roles that count as "led" in the overview (DESIGN.md §5). */
export const LEADING_ALLIANCE_ROLES: readonly AllianceRole[] = ['chair', 'secretary_general'];

/** What kind of body a member is (the platform's own enum; only add values, never rename). */
export const ALLIANCE_MEMBER_KINDS = [
  'vocational_college',
  'university',
  'secondary_school',
  'enterprise',
  'government',
  'association',
  'research_institute',
  'other',
] as const;
export type AllianceMemberKind = (typeof ALLIANCE_MEMBER_KINDS)[number];

export const CONTRIBUTION_KINDS = ['funds', 'technology', 'talent', 'equipment'] as const;
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number];

export const ACTIVITY_KINDS = ['forum', 'training', 'competition', 'meeting'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/**
 * CNY amount of a contribution: a decimal string with at most two fraction digits and at most 13
 * integer digits (so that the amount in cents stays an exact integer everywhere).
 */
export const CONTRIBUTION_AMOUNT_PATTERN = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;

/** Subject of an entity that lives inside an alliance (member, contribution, activity): `<allianceId>/<id>`. */
export const allianceChildSubject = (allianceId: string, id: string): string => `${allianceId}/${id}`;
/** Longest subject the envelope allows; `<allianceId>/<id>` must fit. */
export const MAX_SUBJECT_LENGTH = 128;

export const allianceSnapshot = z.object({
  allianceId: zId,
  name: z.string().min(1).max(200),
  scope: z.enum(ALLIANCE_SCOPES),
  sector: z.enum(SECTORS).nullable(),
  foundedOn: zDate,
  role: z.enum(ALLIANCE_ROLES),
});
export type AllianceSnapshot = z.infer<typeof allianceSnapshot>;

const alliance = { service: 'alliance', entity: 'alliance', subject: 'alliance id', schema: allianceSnapshot } as const;

export const AllianceRegistered = defineEvent({
  ...alliance,
  type: 'alliance.alliance.registered.v1',
  description: "An alliance was registered, with this institution's role in it. Carries the whole alliance.",
});
export const AllianceUpdated = defineEvent({
  ...alliance,
  type: 'alliance.alliance.updated.v1',
  description: "Name, scope, sector, founding date or this institution's role changed. Carries the whole alliance.",
});

const member = { service: 'alliance', entity: 'member', subject: '`<allianceId>/<memberId>`' } as const;

export const AllianceMemberJoined = defineEvent({
  ...member,
  type: 'alliance.member.joined.v1',
  description:
    'An institution or enterprise joined the alliance (first time, or again after a departure: a new membership period). Members are organisations, never people.',
  schema: z.object({
    allianceId: zId,
    memberId: zId,
    memberKind: z.enum(ALLIANCE_MEMBER_KINDS),
    role: z.enum(ALLIANCE_ROLES),
    joinedOn: zDate,
  }),
});
export const AllianceMemberRoleChanged = defineEvent({
  ...member,
  type: 'alliance.member.role_changed.v1',
  description: "An active member's role in the alliance changed, from `date` on.",
  schema: z.object({
    allianceId: zId,
    memberId: zId,
    role: z.enum(ALLIANCE_ROLES),
    previousRole: z.enum(ALLIANCE_ROLES),
    date: zDate,
  }),
});
export const AllianceMemberDeparted = defineEvent({
  ...member,
  type: 'alliance.member.departed.v1',
  description: 'A member left the alliance on `date` (it is no longer counted from that day on).',
  schema: z.object({ allianceId: zId, memberId: zId, date: zDate }),
});

export const AllianceCharterAdopted = defineEvent({
  service: 'alliance',
  entity: 'charter',
  subject: 'alliance id (sequence = ordinal of the charter)',
  type: 'alliance.charter.adopted.v1',
  description: 'A charter version was adopted; versions of an alliance only increase. The summary text stays in the alliance service.',
  schema: z.object({ allianceId: zId, version: z.number().int().positive(), adoptedOn: zDate }),
});

export const AllianceContributionRecorded = defineEvent({
  service: 'alliance',
  entity: 'contribution',
  subject: '`<allianceId>/<contributionId>`',
  type: 'alliance.contribution.recorded.v1',
  description:
    'A member pooled a resource in the alliance. `amount` is CNY (decimal string, two fraction digits) or null; the free-text description stays in the alliance service.',
  schema: z.object({
    allianceId: zId,
    contributionId: zId,
    memberId: zId,
    kind: z.enum(CONTRIBUTION_KINDS),
    amount: z
      .string()
      .regex(/^(0|[1-9]\d{0,12})\.\d{2}$/)
      .nullable(),
    date: zDate,
  }),
});

const activity = {
  allianceId: zId,
  activityId: zId,
  kind: z.enum(ACTIVITY_KINDS),
  title: z.string().min(1).max(200),
  date: zDate,
  online: z.boolean(),
  participants: z.array(z.string().min(1).max(200)),
};

/** Superseded by {@link AllianceActivityHeld} (v2): still defined for the events published as v1, which consumers upcast. */
export const AllianceActivityHeldV1 = defineEvent({
  service: 'alliance',
  entity: 'activity',
  subject: '`<allianceId>/<activityId>`',
  type: 'alliance.activity.held.v1',
  description:
    'The alliance held an activity. `participants` are distinct member ids or institution names (never people); `participantCount` is the number of participating bodies (at least the listed ones), null if unknown.',
  schema: z.object({ ...activity, participantCount: z.number().int().min(0).nullable() }),
});

/**
 * The number of bodies that took part in an activity (DESIGN.md §5 `forumParticipants` takes the largest): the count the
 * secretariat gave, else the distinct participants listed.
 */
export const participatingBodies = (participants: readonly string[], participantCount: number | null | undefined): number =>
  participantCount ?? participants.length;

export const AllianceActivityHeld = defineNextVersion(AllianceActivityHeldV1, {
  type: 'alliance.activity.held.v2',
  description:
    'The alliance held an activity. `participants` are distinct member ids or institution names (never people); `participantCount` is the number of participating bodies: the count given (at least the listed ones), else the number listed.',
  schema: z.object({ ...activity, participantCount: z.number().int().min(0) }),
  changes:
    '`participantCount` is always a number: where v1 had null (no count given), it is the number of `participants` listed, so that no consumer has to know that rule.',
  upcast: (v1) => Object.assign({}, v1, { participantCount: participatingBodies(v1.participants, v1.participantCount) }),
});

export const ALLIANCE_EVENTS = [
  AllianceRegistered,
  AllianceUpdated,
  AllianceMemberJoined,
  AllianceMemberRoleChanged,
  AllianceMemberDeparted,
  AllianceCharterAdopted,
  AllianceContributionRecorded,
  AllianceActivityHeld,
] as const;

export type AllianceEvent = EventOf<typeof AllianceRegistered> | EventOf<typeof AllianceUpdated>;
export type AllianceMemberEvent =
  EventOf<typeof AllianceMemberJoined> | EventOf<typeof AllianceMemberRoleChanged> | EventOf<typeof AllianceMemberDeparted>;
