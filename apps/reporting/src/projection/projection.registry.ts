import { ENROLLMENT_EVENTS } from '@chanjiao/contracts';
import { programProjection, studentProjection } from './enrollment.projections';
import type { AnyProjection } from './projection';

type KnownType = (typeof ENROLLMENT_EVENTS)[number]['type'];

/** Which read-model entities each event type changes. Typed so a new event type cannot be forgotten. */
export const PROJECTIONS_BY_TYPE: Record<KnownType, AnyProjection[]> = {
  'enrollment.program.opened.v1': [programProjection as AnyProjection],
  'enrollment.program.updated.v1': [programProjection as AnyProjection],
  'enrollment.program.suspended.v1': [programProjection as AnyProjection],
  'enrollment.student.enrolled.v1': [studentProjection as AnyProjection],
  'enrollment.student.cancelled.v1': [studentProjection as AnyProjection],
  'enrollment.student.withdrawn.v1': [studentProjection as AnyProjection],
  'enrollment.student.transferred.v1': [studentProjection as AnyProjection],
  'enrollment.student.graduated.v1': [studentProjection as AnyProjection],
};

export function projectionsFor(type: string): AnyProjection[] {
  const found = (PROJECTIONS_BY_TYPE as Record<string, AnyProjection[] | undefined>)[type];
  if (!found) throw new Error(`no projection for ${type}`);
  return found;
}
