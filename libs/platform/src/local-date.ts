/**
 * Formatters per time zone, made once: an Intl.DateTimeFormat per request cost a sixth of the report
 * read path's CPU, and its native (ICU) memory, unseen by the GC's heuristics, grew the process by
 * hundreds of MB under load.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) in `timeZone` at `at`. */
export function localDate(timeZone: string, at: Date = new Date()): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(at);
}
