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

const todays = new Map<string, { second: number; date: string }>();

/**
 * Today's date in `timeZone`, worked out at most once a second: every report request without `asOf` asks,
 * and formatting was 3 % of the overview's read path. Dates change on whole seconds, so the answer for a
 * second is the date at its start.
 */
export function todayIn(timeZone: string, now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  const known = todays.get(timeZone);
  if (known?.second === second) return known.date;
  const date = localDate(timeZone, new Date(second * 1000));
  todays.set(timeZone, { second, date });
  return date;
}
