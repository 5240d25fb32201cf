import { YearReportHeaderView } from './report-header.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACTIVITY_KINDS,
  ActivityKind,
  ALLIANCE_MEMBER_KINDS,
  ALLIANCE_ROLES,
  ALLIANCE_SCOPES,
  AllianceRole,
  AllianceScope,
  CONTRIBUTION_KINDS,
  ContributionKind,
  Sector,
  SECTORS,
} from '@chanjiao/contracts';

/** The `alliances` section of GET /reports/overview (DESIGN.md §5). */
export class AlliancesFigures {
  @ApiProperty({ description: 'Alliances founded on or before asOf' }) total!: number;
  @ApiProperty({ description: 'Of those, the ones where this institution is chair or secretary_general' }) led!: number;
  @ApiProperty({ description: 'Members as of asOf, summed over all alliances (a body in two alliances counts in each)' })
  members!: number;
  @ApiProperty({
    description:
      'Largest participant count of any forum dated from 1 January of the year to asOf, or to 31 December when asOf is later (0 if none)',
  })
  forumParticipants!: number;
}

const countsOf = (keys: readonly string[], description: string) =>
  ApiProperty({
    description,
    type: 'object',
    properties: Object.fromEntries(keys.map((k) => [k, { type: 'integer' }])),
  });

export class AllianceMembersView {
  @ApiProperty({ description: 'Members as of asOf' }) total!: number;
  @countsOf(ALLIANCE_MEMBER_KINDS, 'Members as of asOf by member kind') byKind!: Record<string, number>;
  @countsOf(ALLIANCE_ROLES, 'Members as of asOf by role') byRole!: Record<string, number>;
}

export class ContributionKindRow {
  @ApiProperty({ enum: CONTRIBUTION_KINDS }) kind!: ContributionKind;
  @ApiProperty({ description: 'Contributions dated in the year, up to asOf' }) count!: number;
  @ApiProperty({ description: 'Sum of their amounts, CNY with two fraction digits', example: '150000.00' }) amount!: string;
}

export class AllianceContributionsView {
  @ApiProperty() count!: number;
  @ApiProperty({ example: '150000.00' }) amount!: string;
  @ApiProperty({ type: [ContributionKindRow] }) byKind!: ContributionKindRow[];
}

export class ActivityKindRow {
  @ApiProperty({ enum: ACTIVITY_KINDS }) kind!: ActivityKind;
  @ApiProperty({ description: 'Activities dated in the year, up to asOf' }) count!: number;
  @ApiProperty({ description: 'Of those, held online' }) online!: number;
  @ApiProperty({ description: 'Sum of participant counts (participations)' }) participations!: number;
  @ApiProperty({ description: 'Largest participant count of one activity (several institutions: each one’s largest, summed)' })
  maxParticipants!: number;
  @ApiProperty({ description: 'Distinct participants listed by name or member id' }) distinctParticipants!: number;
}

export class AllianceActivitiesView {
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'Distinct participants listed across all activities of the year' }) distinctParticipants!: number;
  @ApiProperty({ type: [ActivityKindRow] }) byKind!: ActivityKindRow[];
}

export class AllianceReportRow {
  @ApiProperty() allianceId!: string;
  @ApiPropertyOptional({ description: 'With several institutions: whose alliance (a row per institution and alliance id)' })
  institution?: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ALLIANCE_SCOPES }) scope!: AllianceScope;
  @ApiProperty({ enum: SECTORS, nullable: true }) sector!: Sector | null;
  @ApiProperty() foundedOn!: string;
  @ApiProperty({ enum: ALLIANCE_ROLES, description: "This institution's role" }) role!: AllianceRole;
  @ApiProperty({ description: 'role is chair or secretary_general' }) led!: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'Latest charter version adopted on or before asOf' }) charterVersion!:
    number | null;
  @ApiProperty() members!: AllianceMembersView;
  @ApiProperty({ description: 'Joins (incl. re-joins) dated in the year, up to asOf' }) joins!: number;
  @ApiProperty({ description: 'Departures dated in the year, up to asOf' }) departures!: number;
  @ApiProperty() contributions!: AllianceContributionsView;
  @ApiProperty() activities!: AllianceActivitiesView;
}

export class AllianceTotalsView {
  @ApiProperty() alliances!: number;
  @ApiProperty() led!: number;
  @ApiProperty({ description: 'Memberships as of asOf, summed over the alliances (an organisation in two alliances counts in each)' })
  members!: AllianceMembersView;
  @ApiProperty({ description: 'Distinct member organisations (by member id) in any of the alliances as of asOf' })
  organisations!: number;
  @ApiProperty() joins!: number;
  @ApiProperty() departures!: number;
  @ApiProperty() contributions!: AllianceContributionsView;
  @ApiProperty({ description: 'Activity counts summed over alliances (distinct participants per alliance are summed too)' })
  activities!: AllianceActivitiesView;
}

export class AllianceReportView extends YearReportHeaderView {
  @ApiProperty({ type: [AllianceReportRow], description: 'Alliances founded on or before the date, by id' })
  alliances!: AllianceReportRow[];
  @ApiProperty() totals!: AllianceTotalsView;
}
