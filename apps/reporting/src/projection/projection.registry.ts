import { ENROLLMENT_EVENTS, PARTNERSHIP_EVENTS } from '@chanjiao/contracts';
import { programProjection, studentProjection } from './enrollment.projections';
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

type KnownType = (typeof ENROLLMENT_EVENTS)[number]['type'] | (typeof PARTNERSHIP_EVENTS)[number]['type'];

const any = (p: unknown) => p as AnyProjection;

/** Which read-model entities each event type changes. Typed so a new event type cannot be forgotten. */
export function createProjectionMap(_settings: ProjectionSettings): Record<KnownType, AnyProjection[]> {
  return {
    'enrollment.program.opened.v1': [any(programProjection)],
    'enrollment.program.updated.v1': [any(programProjection)],
    'enrollment.program.suspended.v1': [any(programProjection)],
    'enrollment.student.enrolled.v1': [any(studentProjection)],
    'enrollment.student.cancelled.v1': [any(studentProjection)],
    'enrollment.student.withdrawn.v1': [any(studentProjection)],
    'enrollment.student.transferred.v1': [any(studentProjection)],
    'enrollment.student.graduated.v1': [any(studentProjection)],
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

  types(): string[] {
    return Object.keys(this.byType);
  }
}
