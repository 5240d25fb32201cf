import { ApiKeyStore, migrateAuthDatabase } from '@chanjiao/auth';
import { DEFAULT_LOCAL_REGION_PREFIX, todayIn } from '@chanjiao/contracts';
import { compareFigures, Figure, FigureDifference } from './compare';
import { eventsWritten, institutionsOf, loadRecords, WriteDatabases } from './records';
import { ENROLLMENT_GROUPINGS, PARTNERSHIP_GROUPINGS, PLACEMENT_GROUPINGS, Recount } from './recount';

export interface VerifyOptions {
  /** Where the reporting service answers (reports are read as users read them). */
  reportingUrl: string;
  /** The write services' own databases. */
  databases: WriteDatabases;
  /** The keys database, where the run's admin key is made (and revoked when it ends). */
  authDatabaseUrl: string;
  /** An admin key to read the reports with, instead of one made for the run. */
  apiKey?: string;
  /** Default: every institution the write services hold records of. */
  institutions?: string[];
  /** Default: every year the records are dated in. */
  years?: number[];
  /** Default, for each year Y: 30 June Y, 31 December Y and today (those not before Y). */
  asOf?: string[];
  /** Today's date (default: today in `REPORT_TIMEZONE`, as reporting has it). */
  today?: string;
  /** As reporting's `LOCAL_REGION_PREFIX` [6528]. */
  localRegionPrefix?: string;
  /** How long to wait for reporting to catch up before giving up (default 5 minutes). */
  waitMs?: number;
  /** Compare even if reporting has not caught up (the differences then include events still on their way). */
  compareAnyway?: boolean;
  /** Reports read at once (default 4). */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface Difference extends FigureDifference {
  institution: string;
  /** The report's path, e.g. `overview`, `placement`, `partnerships/expiring`. */
  report: string;
  by?: string;
  year?: number;
  asOf?: string;
}

export interface VerifyResult {
  institutions: string[];
  /** Reports read. */
  reports: number;
  /** Figures compared. */
  compared: number;
  differences: Difference[];
  /** Institutions reporting had not caught up with when the comparison began (only with `compareAnyway`). */
  notCaughtUp: string[];
  /** Events were written while the figures were compared: differences may come from them; run again. */
  changedMeanwhile: boolean;
}

export class VerifyError extends Error {}

interface Freshness {
  eventsApplied: number;
  eventsParked: number;
  eventsQueued: number | null;
}

/**
 * Every figure of every report (all `by` breakdowns, several years and asOf dates), as the reporting service answers
 * them over HTTP, against a recount from the four write services' own records (see recount.ts). Waits first until
 * reporting has applied every event the services have written.
 */
export async function verifyFigures(o: VerifyOptions): Promise<VerifyResult> {
  const log = o.log ?? (() => undefined);
  const institutions = o.institutions ?? (await institutionsOf(o.databases));
  const empty: VerifyResult = { institutions, reports: 0, compared: 0, differences: [], notCaughtUp: [], changedMeanwhile: false };
  if (institutions.length === 0) return empty;
  if (o.apiKey) return await run(o, institutions, o.apiKey, log);
  await migrateAuthDatabase(o.authDatabaseUrl);
  const keys = new ApiKeyStore(o.authDatabaseUrl);
  try {
    const { id, key } = await keys.create({ role: 'admin', services: ['*'], institutions: ['*'], label: 'verify' });
    try {
      return await run(o, institutions, key, log);
    } finally {
      await keys.revoke(id);
    }
  } finally {
    await keys.close();
  }
}

async function run(o: VerifyOptions, institutions: string[], key: string, log: (line: string) => void): Promise<VerifyResult> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${o.reportingUrl}${path}`, { headers: { authorization: `Bearer ${key}` } }).catch((e: unknown) => {
      throw new VerifyError(`reporting is not reachable at ${o.reportingUrl}: ${(e as Error).message}`);
    });
    const text = await res.text();
    if (res.status !== 200) throw new VerifyError(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  /** A paged report (`partnerships/expiring`) whole: its `agreements` of every page, following `nextCursor`. */
  const getAll = async (path: string): Promise<unknown> => {
    const first = await get<{ agreements: unknown[]; nextCursor: string | null }>(path);
    for (let cursor = first.nextCursor; cursor !== null;) {
      const next = await get<{ agreements: unknown[]; nextCursor: string | null }>(`${path}&cursor=${cursor}`);
      first.agreements.push(...next.agreements);
      cursor = next.nextCursor;
    }
    return Object.assign(first, { nextCursor: null });
  };
  const notCaughtUp = await waitForReporting(o, institutions, get, log);
  const before = await eventsWritten(o.databases);
  const today = o.today ?? todayIn(process.env.REPORT_TIMEZONE ?? 'Asia/Shanghai');
  const settings = { localRegionPrefix: o.localRegionPrefix ?? process.env.LOCAL_REGION_PREFIX ?? DEFAULT_LOCAL_REGION_PREFIX };
  const result: VerifyResult = { institutions, reports: 0, compared: 0, differences: [], notCaughtUp, changedMeanwhile: false };

  for (const institution of institutions) {
    const recount = new Recount(await loadRecords(o.databases, institution), settings);
    const years = o.years ?? recount.years();
    const checks: Array<{ path: string; where: Omit<Difference, keyof FigureDifference>; expected: () => unknown }> = [];
    const add = (
      report: string,
      where: { by?: string; year?: number; asOf?: string },
      query: Record<string, string | number>,
      expected: () => unknown,
    ) => {
      const q = new URLSearchParams(Object.entries({ institution, ...query }).map(([k, v]): [string, string] => [k, String(v)]));
      checks.push({ path: `/reports/${report}?${q}`, where: Object.assign({ institution, report }, where), expected });
    };
    const allDates = new Set<string>();
    for (const year of years) {
      const dates = o.asOf ?? [...new Set([`${year}-06-30`, `${year}-12-31`, today])].filter((d) => d >= `${year}-01-01`).sort();
      for (const asOf of dates) {
        allDates.add(asOf);
        const at = { year, asOf };
        add('overview', at, at, () => recount.overview(year, asOf));
        for (const by of ENROLLMENT_GROUPINGS) add('enrollment', { by, ...at }, { by, ...at }, () => recount.enrollment(year, asOf, by));
        for (const by of PLACEMENT_GROUPINGS)
          add('placement', { by, ...at }, { by, cohort: year, asOf }, () => recount.placement(year, asOf, by));
        add('internships', at, at, () => recount.internshipReport(year, asOf));
        for (const by of PARTNERSHIP_GROUPINGS)
          add('partnerships', { by, ...at }, { by, ...at }, () => recount.partnerships(year, asOf, by));
        add('alliances', at, at, () => recount.alliances(year, asOf));
        add('alignment', at, at, () => recount.alignment(year, asOf));
      }
      add('data-quality', { year }, { year }, () => recount.dataQuality(year));
    }
    add('data-quality', {}, {}, () => recount.dataQuality(null));
    for (const asOf of [...allDates].sort()) add('partnerships/expiring', { asOf }, { asOf, within: 90 }, () => recount.expiring(asOf, 90));
    log(
      `${institution}: ${years.length} year(s) ${years[0] ?? ''}–${years.at(-1) ?? ''}, ${allDates.size} asOf date(s), ${checks.length} reports`,
    );

    const served = await inParallel(checks, o.concurrency ?? 4, (c) =>
      c.path.startsWith('/reports/partnerships/expiring?') ? getAll(c.path) : get<unknown>(c.path),
    );
    checks.forEach((c, i) => {
      const { compared, differences } = compareFigures(served[i], c.expected());
      result.compared += compared;
      for (const d of differences) result.differences.push(Object.assign({}, c.where, d));
    });
    result.reports += checks.length;
  }
  const after = await eventsWritten(o.databases);
  result.changedMeanwhile = institutions.some((i) => before.written.get(i) !== after.written.get(i));
  return result;
}

/**
 * Until reporting has applied, for every institution, as many events as the write services' outboxes hold for it,
 * with nothing unpublished, queued or parked. Answers the institutions it had not caught up with when `waitMs` ran
 * out (with `compareAnyway`; else that is a VerifyError saying how far behind it is).
 */
async function waitForReporting(
  o: VerifyOptions,
  institutions: string[],
  get: <T>(path: string) => Promise<T>,
  log: (line: string) => void,
): Promise<string[]> {
  const deadline = Date.now() + (o.waitMs ?? 300_000);
  let said = false;
  for (;;) {
    const { written, unpublished } = await eventsWritten(o.databases);
    const behind: string[] = [];
    for (const institution of institutions) {
      const f = await get<Freshness>(`/reports/freshness?institution=${encodeURIComponent(institution)}`);
      const w = written.get(institution) ?? 0;
      if (f.eventsApplied !== w || f.eventsParked > 0 || (f.eventsQueued ?? 0) > 0 || unpublished > 0) {
        behind.push(
          `${institution}: ${f.eventsApplied} of ${w} events applied, ${f.eventsParked} parked, ${f.eventsQueued ?? '?'} queued, ${unpublished} not yet published`,
        );
      }
    }
    if (behind.length === 0) return [];
    if (Date.now() >= deadline) {
      const message = `reporting has not caught up with the write services (see GET /reports/freshness and npm run dlq -- list):\n  ${behind.join('\n  ')}`;
      if (!o.compareAnyway) throw new VerifyError(message);
      log(`${message}\ncomparing anyway: differences may be events still on their way`);
      return behind.map((b) => b.slice(0, b.indexOf(':')));
    }
    if (!said) log(`waiting for reporting to catch up: ${behind.join('; ')}`);
    said = true;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One line an operator reads: where, which figure, what the report says and what the records say. */
export function formatDifference(d: Difference): string {
  const show = (v: Figure | undefined) => (v === undefined ? '(none)' : JSON.stringify(v));
  const where = [
    d.institution,
    d.report,
    d.by ? `by=${d.by}` : undefined,
    d.year !== undefined ? `${d.report === 'placement' ? 'cohort' : 'year'}=${d.year}` : undefined,
    d.asOf ? `asOf=${d.asOf}` : undefined,
  ].filter(Boolean);
  return `${where.join(' ')}  ${d.key}: reported ${show(d.reported)}, recounted ${show(d.recounted)}`;
}
