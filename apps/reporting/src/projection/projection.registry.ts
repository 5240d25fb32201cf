import { ALLIANCE_EVENTS, ENROLLMENT_EVENTS, PLACEMENT_EVENTS } from '@chanjiao/contracts';
import {
  allianceActivityProjection,
  allianceCharterProjection,
  allianceContributionProjection,
  allianceMemberProjection,
  allianceProjection,
} from './alliance.projections';
import { programProjection, studentProjection } from './enrollment.projections';
import { graduateProjection, internProjection } from './placement.projections';
import type { AnyProjection } from './projection';

/** Deployment settings projections may depend on (fixed per deployment: changing them needs a rebuild of the read models). */
export interface ProjectionSettings {
  /** GB/T 2260 prefix of "local" regions (DESIGN.md §3), e.g. 6528 for Bayingolin. */
  localRegionPrefix: string;
}

type KnownType =
  (typeof ENROLLMENT_EVENTS)[number]['type'] | (typeof PLACEMENT_EVENTS)[number]['type'] | (typeof ALLIANCE_EVENTS)[number]['type'];

const any = (p: unknown) => p as AnyProjection;

/** Which read-model entities each event type changes. Typed so a new event type cannot be forgotten. */
export function createProjectionMap(settings: ProjectionSettings): Record<KnownType, AnyProjection[]> {
  const graduate = any(graduateProjection(settings));
  const intern = any(internProjection(settings));
  return {
    'enrollment.program.opened.v1': [any(programProjection)],
    'enrollment.program.updated.v1': [any(programProjection)],
    'enrollment.program.suspended.v1': [any(programProjection)],
    'enrollment.student.enrolled.v1': [any(studentProjection), intern],
    'enrollment.student.cancelled.v1': [any(studentProjection)],
    'enrollment.student.withdrawn.v1': [any(studentProjection)],
    'enrollment.student.transferred.v1': [any(studentProjection)],
    'enrollment.student.graduated.v1': [any(studentProjection), graduate],
    'placement.internship.started.v1': [intern],
    'placement.internship.updated.v1': [intern],
    'placement.internship.completed.v1': [intern],
    'placement.destination.recorded.v1': [graduate],
    'alliance.alliance.registered.v1': [any(allianceProjection)],
    'alliance.alliance.updated.v1': [any(allianceProjection)],
    'alliance.member.joined.v1': [any(allianceMemberProjection)],
    'alliance.member.role_changed.v1': [any(allianceMemberProjection)],
    'alliance.member.departed.v1': [any(allianceMemberProjection)],
    'alliance.charter.adopted.v1': [any(allianceCharterProjection)],
    'alliance.contribution.recorded.v1': [any(allianceContributionProjection)],
    'alliance.activity.held.v1': [any(allianceActivityProjection)],
  };
}

export class ProjectionRegistry {
  private readonly byType: Record<string, AnyProjection[] | undefined>;

  constructor(readonly settings: ProjectionSettings) {
    this.byType = createProjectionMap(settings);
  }

  projectionsFor(type: string): AnyProjection[] {
    const found = this.byType[type];
    if (!found) throw new Error(`no projection for ${type}`);
    return found;
  }

  types(): string[] {
    return Object.keys(this.byType);
  }
}
