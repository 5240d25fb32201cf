import { ALL_INSTITUTIONS, Principal } from '@chanjiao/auth';
import { todayIn } from '@chanjiao/contracts';
import type { CounterRepository } from './counter.repository';
import type { ReportReader, ReportSource } from './report-reader';

/** The institutions a report is about, in order, and whether the request asked for `all`. */
export interface ReportScope {
  institutions: readonly string[];
  all: boolean;
}

/**
 * The institutions a report is about, as the key check settled them (SumsInstitutions: the key's only one, or those
 * asked for among the key's, `A,B` or `all`); `all` with a key bound to `*` is every institution reporting knows.
 * Sorted: `A,B` and `B,A` are the same report (and the same cache entry).
 */
export async function reportScope(p: Principal, reader: Pick<ReportReader, 'knownInstitutions'>): Promise<ReportScope> {
  const acting = p.actingFor ?? { institutions: [p.institution], all: false };
  if (acting.institutions === ALL_INSTITUTIONS) return { institutions: await reader.knownInstitutions(), all: true };
  return { institutions: [...acting.institutions].sort(), all: acting.all };
}

export const INSTITUTION_FIELD_DESCRIPTION =
  'The institution the figures are of; for several (a bureau key naming `A,B` or `all`), their codes joined with commas, and `institutions` lists them';
export const INSTITUTIONS_FIELD_DESCRIPTION =
  'Present when the report sums several institutions (or none: `all` before any event): their codes, in order. Every count is the sum of theirs';

/** The `institution` (and, for several, `institutions`) of an answer about these institutions. */
export function scopeFields(institutions: readonly string[]): { institution: string; institutions?: string[] } {
  const institution = institutions.join(',');
  return institutions.length === 1 ? { institution } : { institution, institutions: [...institutions] };
}

/** Whose figures an answer holds and how fresh they are: every report answer begins with these. */
export interface ReportAbout {
  institution: string;
  institutions?: string[];
  /** Time of the newest event applied of any of the institutions. */
  asOf: string | null;
}

/**
 * Runs `work` on the institutions of the request (a principal's, see {@link reportScope}, or a scope settled already) in
 * one snapshot, with their freshness read in the same one: what the answer is about, and what `work` computed.
 */
export async function readReport<T>(
  reader: ReportReader,
  counters: CounterRepository,
  of: Principal | ReportScope,
  work: (source: ReportSource) => Promise<T>,
): Promise<[ReportAbout, T]> {
  const { institutions } = 'keyId' in of ? await reportScope(of, reader) : of;
  const [result, fresh] = await reader.snapshot(institutions, (source) => Promise.all([work(source), counters.freshness(source)]));
  return [Object.assign(scopeFields(institutions), { asOf: fresh.lastEventTime?.toISOString() ?? null }), result];
}

/** Today's date where the college is (reports default to it). */
export function today(timeZone = process.env.REPORT_TIMEZONE ?? 'Asia/Shanghai'): string {
  return todayIn(timeZone);
}
