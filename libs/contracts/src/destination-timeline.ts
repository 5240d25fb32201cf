/** What the timeline needs of a destination version (`DestinationVersion` has it). */
export interface DatedVersion {
  /** Order of recording: 1 for the first PUT, +1 for each change. */
  version: number;
  /** YYYY-MM-DD: the day the version holds from. */
  effectiveDate: string;
}

/** One stretch of days with one destination in force: from `from` up to the day before `until` (null: from then on). */
export interface DestinationSpan<V extends DatedVersion> {
  from: string;
  until: string | null;
  destination: V;
}

/**
 * The destination in force from day to day (DESIGN.md §5): on day D, the most recently recorded version (the highest
 * version number) among those whose effectiveDate is on or before D. A correction so supersedes every version recorded
 * before it from its own effective date on, whatever order the dates were recorded in: a version recorded later with
 * an earlier date ends the earlier-recorded versions dated after it, which are then never in force. Before the first
 * effective date no destination is in force. The placement service shows this timeline and reporting counts from it.
 */
export function destinationTimeline<V extends DatedVersion>(versions: readonly V[]): Array<DestinationSpan<V>> {
  const byDate = [...versions].sort((a, b) =>
    a.effectiveDate === b.effectiveDate ? a.version - b.version : a.effectiveDate < b.effectiveDate ? -1 : 1,
  );
  const spans: Array<DestinationSpan<V>> = [];
  // Walking the days in order, a version comes into force on its date only if it was recorded after the one in force.
  for (const v of byDate) {
    const last = spans.at(-1);
    if (last && v.version <= last.destination.version) continue;
    if (last && last.from === v.effectiveDate) last.destination = v;
    else {
      if (last) last.until = v.effectiveDate;
      spans.push({ from: v.effectiveDate, until: null, destination: v });
    }
  }
  return spans;
}

/** The destination in force on `day` (YYYY-MM-DD), if any: see destinationTimeline. */
export function destinationInForce<V extends DatedVersion>(versions: readonly V[], day: string): V | undefined {
  return destinationTimeline(versions).find((s) => s.from <= day && (s.until === null || day < s.until))?.destination;
}
