import { z } from 'zod';
import { defineEvent, EventOf } from '../define-event';
import { SECTORS } from '../reference';
import { zDate, zId, zRegion, zYear } from './common';

/** Internship kinds: 认识实习, 跟岗实习, 顶岗/岗位实习. */
export const INTERNSHIP_KINDS = ['cognitive', 'follow', 'post'] as const;
export type InternshipKind = (typeof INTERNSHIP_KINDS)[number];

/** Graduate destination categories (毕业去向). Everything but `not_placed` counts as placed. */
export const DESTINATION_CATEGORIES = ['contract', 'flexible', 'entrepreneurship', 'further_study', 'not_placed'] as const;
export type DestinationCategory = (typeof DESTINATION_CATEGORIES)[number];

/** The category each destination detail belongs to; `entrepreneurship` has no detail. */
export const DETAIL_CATEGORY = {
  employment_agreement: 'contract',
  labor_contract: 'contract',
  research_assistant: 'contract',
  military_service: 'contract',
  grassroots_project: 'contract',
  freelance: 'flexible',
  other_flexible: 'flexible',
  upgrade_to_bachelor: 'further_study',
  postgraduate: 'further_study',
  abroad: 'further_study',
  seeking: 'not_placed',
  not_seeking: 'not_placed',
} as const satisfies Record<string, DestinationCategory>;
export type DestinationDetail = keyof typeof DETAIL_CATEGORY;
export const DESTINATION_DETAILS = Object.keys(DETAIL_CATEGORY) as [DestinationDetail, ...DestinationDetail[]];

/** Categories that are employment (and so can be local employment). */
export const EMPLOYED_CATEGORIES: readonly DestinationCategory[] = ['contract', 'flexible', 'entrepreneurship'];

/** Whether `detail` is a sub-kind of `category` (no detail always fits). */
export function detailFitsCategory(category: DestinationCategory, detail: DestinationDetail | null | undefined): boolean {
  return detail === null || detail === undefined || DETAIL_CATEGORY[detail] === category;
}

/** Full internship snapshot: every internship event carries it. Employers are organisations, never people. */
export const internshipSnapshot = z.object({
  internshipId: zId,
  studentId: zId,
  kind: z.enum(INTERNSHIP_KINDS),
  employerPartnerId: zId.nullable(),
  employerName: z.string().min(1).max(200).nullable(),
  region: zRegion,
  startDate: zDate,
  endDate: zDate.nullable(),
});
export type InternshipSnapshot = z.infer<typeof internshipSnapshot>;

const internship = {
  service: 'placement',
  entity: 'internship',
  subject: 'internship id (careers-office issued)',
  schema: internshipSnapshot,
} as const;

export const InternshipStarted = defineEvent({
  ...internship,
  type: 'placement.internship.started.v1',
  description: 'An internship was recorded for a student (by student number). Carries the whole internship.',
});
export const InternshipUpdated = defineEvent({
  ...internship,
  type: 'placement.internship.updated.v1',
  description: 'Kind, employer, region or dates of an internship were corrected (never its student). Carries the whole internship.',
});
export const InternshipCompleted = defineEvent({
  ...internship,
  type: 'placement.internship.completed.v1',
  description: 'An internship ended on `endDate`. Carries the whole internship.',
});

/** One version of a graduate destination: every PUT that changes the destination makes the next one. */
export const destinationVersion = z
  .object({
    studentId: zId,
    version: z.number().int().positive(),
    graduationYear: zYear,
    programCode: zId,
    category: z.enum(DESTINATION_CATEGORIES),
    detail: z.enum(DESTINATION_DETAILS).nullable(),
    employerPartnerId: zId.nullable(),
    employerName: z.string().min(1).max(200).nullable(),
    region: zRegion.nullable(),
    sector: z.enum(SECTORS).nullable(),
    effectiveDate: zDate,
    verified: z.boolean(),
  })
  .refine((d) => detailFitsCategory(d.category, d.detail), { message: 'detail does not belong to category', path: ['detail'] });
export type DestinationVersion = z.infer<typeof destinationVersion>;

export const DestinationRecorded = defineEvent({
  service: 'placement',
  entity: 'destination',
  subject: 'student number (institution-issued)',
  type: 'placement.destination.recorded.v1',
  description:
    "A new version of a graduate's destination (毕业去向), in force from `effectiveDate` on: on each day the destination in " +
    'force is the most recently recorded version effective on or before it (`destinationTimeline`), so a version supersedes ' +
    'every earlier one from its own effectiveDate on, whatever their dates. `version` equals the event sequence.',
  schema: destinationVersion,
});

export const PLACEMENT_EVENTS = [InternshipStarted, InternshipUpdated, InternshipCompleted, DestinationRecorded] as const;

export type InternshipEvent = EventOf<typeof InternshipStarted> | EventOf<typeof InternshipUpdated> | EventOf<typeof InternshipCompleted>;
export type DestinationEvent = EventOf<typeof DestinationRecorded>;
