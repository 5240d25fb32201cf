import { DestinationRecorded, destinationTimeline, DestinationVersion } from '@chanjiao/contracts';
import { Accepted, emit, unchanged } from '@chanjiao/domain';

/** A destination as PUT: everything but the version number. */
export type DestinationInput = Omit<DestinationVersion, 'version'>;

const same = (a: DestinationInput, b: DestinationInput) =>
  a.graduationYear === b.graduationYear &&
  a.programCode === b.programCode &&
  a.category === b.category &&
  a.detail === b.detail &&
  a.employerPartnerId === b.employerPartnerId &&
  a.employerName === b.employerName &&
  a.region === b.region &&
  a.sector === b.sector &&
  a.effectiveDate === b.effectiveDate &&
  a.verified === b.verified;

/**
 * PUT /destinations/{studentId}: the first destination is version 1; a PUT that changes anything
 * (even only `verified` or `effectiveDate`) is the next version, kept beside the earlier ones; an
 * unchanged repeat is a no-op. Validity (enums, detail within category) is checked before this, so it is never refused.
 * The event carries the whole version.
 */
export function decideDestinationPut(latest: DestinationVersion | undefined, input: DestinationInput): Accepted<DestinationVersion> {
  if (latest && same(latest, input)) return unchanged(latest);
  const state = Object.assign({}, input, { version: (latest?.version ?? 0) + 1 });
  return { ok: true, outcome: latest ? 'updated' : 'created', state, emit: emit(DestinationRecorded, state) };
}

/** A stretch of days and the version in force on them (`until` exclusive; null: from `from` on). */
export interface DestinationSpan {
  from: string;
  until: string | null;
  version: number;
}

export type DestinationHistory = DestinationVersion & { versions: DestinationVersion[]; timeline: DestinationSpan[] };

/**
 * GET /destinations/{studentId}: the most recently recorded version (in force from its effectiveDate on), every
 * version in recording order, and the version in force from day to day by the rule reports count with.
 */
export function destinationHistory(versions: DestinationVersion[]): DestinationHistory {
  const timeline = destinationTimeline(versions).map(({ from, until, destination }) => ({ from, until, version: destination.version }));
  return Object.assign({}, versions.at(-1)!, { versions, timeline });
}
