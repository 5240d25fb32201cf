import type { EventType } from '@chanjiao/contracts';
import {
  allianceActivityProjection,
  allianceCharterProjection,
  allianceContributionProjection,
  allianceMemberProjection,
  allianceProjection,
} from './alliance.projections';
import { programProjection, studentProjection } from './enrollment.projections';
import { graduateProjection, internProjection } from './placement.projections';
import {
  agreementProjection,
  certificatePilotProjection,
  industryCollegeProjection,
  orderClassProjection,
  partnerProjection,
  trainingBaseProjection,
} from './partnership.projections';
import type { AnyProjection } from './projection';

/** Deployment settings projections may depend on (fixed per deployment: changing them needs a rebuild of the read models). */
export interface ProjectionSettings {
  /** GB/T 2260 prefix of "local" regions (DESIGN.md §3), e.g. 6528 for Bayingolin. */
  localRegionPrefix: string;
}

const any = (p: unknown) => p as AnyProjection;

/**
 * Which read-model entities each event type changes: the one place reporting lists the events it applies (the consumer
 * subscribes to these types, see `ProjectionRegistry.types`). Keyed by the contracts' `EventType`, so an event type
 * missing here, or one the contracts do not define, fails to compile.
 */
export function createProjectionMap(settings: ProjectionSettings): Record<EventType, AnyProjection[]> {
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
    'alliance.activity.held.v2': [any(allianceActivityProjection)],
    'partnership.partner.registered.v1': [any(partnerProjection)],
    'partnership.partner.updated.v1': [any(partnerProjection)],
    'partnership.agreement.signed.v1': [any(agreementProjection), any(partnerProjection)],
    'partnership.agreement.terminated.v1': [any(agreementProjection)],
    'partnership.agreement.renewed.v1': [any(agreementProjection)],
    'partnership.agreement.expired.v1': [any(agreementProjection)],
    'partnership.order_class.opened.v1': [any(orderClassProjection)],
    'partnership.order_class.updated.v1': [any(orderClassProjection)],
    'partnership.certificate_pilot.launched.v1': [any(certificatePilotProjection), any(partnerProjection)],
    'partnership.certificate_pilot.results_reported.v1': [any(certificatePilotProjection)],
    'partnership.industry_college.founded.v1': [any(industryCollegeProjection)],
    'partnership.training_base.registered.v1': [any(trainingBaseProjection)],
    'partnership.training_base.updated.v1': [any(trainingBaseProjection)],
    'partnership.training_base.investment_recorded.v1': [any(trainingBaseProjection)],
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

  /** Every event type reporting applies: what its consumer takes (anything else is dead-lettered as `no_handler`). */
  types(): EventType[] {
    return Object.keys(this.byType) as EventType[];
  }
}
