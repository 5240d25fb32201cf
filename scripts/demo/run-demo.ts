import { DemoEnrollment, DemoProgram, demoGraduates, demoIntake, demoPrograms } from './enrollment-data';
import { AS_OF, EXPECTED_FIGURES, valueAt } from './expected';
import { loadAlliance } from './alliance-data';
import { loadPartnership } from './partnership-data';
import { loadPlacement } from './placement-data';
import { Random, seeded } from './random';

export type DemoService = 'enrollment' | 'placement' | 'partnership' | 'alliance' | 'reporting';

export interface DemoOptions {
  institution: string;
  urls: Record<DemoService, string>;
  writerKey: string;
  readerKey: string;
  log?: (line: string) => void;
  progress?: (label: string, done: number, total: number) => void;
}

export interface FigureCheck {
  field: string;
  year: number;
  expected: number | string;
  actual: unknown;
  ok: boolean;
}

export class DemoError extends Error {}

/** What each department's loader gets: HTTP helpers and what earlier departments loaded. */
export interface DemoContext {
  rnd: Random;
  call(service: DemoService, method: string, path: string, body?: unknown, contentType?: string): Promise<any>;
  /** Posts items to a `:batch` route in chunks; any failed item stops the demo. */
  batch(service: DemoService, path: string, items: unknown[], label: string, size?: number): Promise<void>;
  /** Uploads rows as a CSV file to `POST /imports/<entity>`; any bad row stops the demo. */
  importCsv(service: DemoService, entity: string, rows: Array<Record<string, unknown>>, label: string): Promise<void>;
  log(line: string): void;
  programs: DemoProgram[];
  /** The 2022 intake (5,771 students incl. no-shows and 2+3) and the 2019 cohort graduating in 2022 (3,292). */
  intake: DemoEnrollment[];
  graduates: DemoEnrollment[];
}

/** What `createDemoContext` needs: where the services are, the keys, and where to report. */
export interface DemoContextOptions {
  urls: Partial<Record<DemoService, string>>;
  writerKey: string;
  readerKey: string;
  log?: (line: string) => void;
  progress?: (label: string, done: number, total: number) => void;
  /** Seed of `rnd` (the demo's own by default). */
  seed?: number;
}

/**
 * The HTTP helpers each department's loader uses (also for tests that load one department into a
 * test stack); `programs` are the demo programs, `intake`/`graduates` stay empty until loaded.
 */
export function createDemoContext(o: DemoContextOptions): DemoContext {
  const log = o.log ?? (() => undefined);
  const progress = o.progress ?? (() => undefined);
  const call = async (service: DemoService, method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const key = service === 'reporting' ? o.readerKey : o.writerKey;
    const url = o.urls[service];
    if (!url) throw new DemoError(`${service} is not part of this demo (no URL)`);
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => undefined)) as any;
    if (res.status >= 400) throw new DemoError(`${method} ${service}${path}: ${res.status} ${JSON.stringify(json)?.slice(0, 500)}`);
    return json;
  };
  const batch = async (service: DemoService, path: string, items: unknown[], label: string, size = 2000) => {
    for (let i = 0; i < items.length; i += size) {
      const res = await call(service, 'POST', path, items.slice(i, i + size));
      if (res.summary.failed > 0) {
        throw new DemoError(
          `${path}: ${res.summary.failed} items failed, e.g. ${JSON.stringify(res.results.find((r: any) => r.status === 'failed'))}`,
        );
      }
      progress(label, Math.min(i + size, items.length), items.length);
    }
  };
  const importCsv = async (service: DemoService, entity: string, rows: Array<Record<string, unknown>>, label: string) => {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const cell = (v: unknown) => {
      const s = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(';') : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n');
    progress(label, 0, rows.length);
    const res = await call(service, 'POST', `/imports/${entity}`, csv, 'text/csv');
    if (res.rows.failed > 0) throw new DemoError(`import ${entity}: ${res.rows.failed} rows failed, e.g. ${JSON.stringify(res.errors[0])}`);
    progress(label, rows.length, rows.length);
  };
  return { rnd: seeded(o.seed ?? 20220620), call, batch, importCsv, log, programs: demoPrograms(), intake: [], graduates: [] };
}

/** Every service answers /health, or a DemoError names the first that does not. */
export async function checkReady(urls: Record<DemoService, string>): Promise<void> {
  for (const service of Object.keys(urls) as DemoService[]) {
    const res = await fetch(`${urls[service]}/health`).catch(() => undefined);
    if (!res || res.status !== 200) throw new DemoError(`${service} is not ready at ${urls[service]} (start the stack with \`npm start\`)`);
  }
}

/** Loads the 2022 data set through the write API and file imports, then compares the overview with the source. */
export async function runDemo(o: DemoOptions): Promise<FigureCheck[]> {
  const ctx = createDemoContext(o);
  const { rnd, call, batch, importCsv, log } = ctx;
  await checkReady(o.urls);

  // Admissions office: programs through the batch API, intake and graduates through file imports.
  const programs = ctx.programs;
  log(`enrollment: ${programs.length} programs`);
  await batch('enrollment', '/programs:batch', programs, 'programs');
  const intake = demoIntake(rnd, programs);
  const graduates = demoGraduates(rnd, programs);
  await importCsv('enrollment', 'enrollments', [...intake.enrollments, ...graduates.enrollments] as never, 'enrollments');
  await importCsv(
    'enrollment',
    'cancellations',
    intake.noShows.map((studentId) => ({ studentId, date: '2022-09-20' })),
    'no-shows',
  );
  await importCsv('enrollment', 'graduations', graduates.graduations, 'graduations');

  ctx.intake = intake.enrollments;
  ctx.graduates = graduates.enrollments;
  await loadPlacement(ctx);
  await loadPartnership(ctx);
  await loadAlliance(ctx);

  log('waiting for the reports to catch up…');
  await waitForReports(ctx);

  const overviews = {
    2022: await call('reporting', 'GET', `/reports/overview?year=2022&asOf=${AS_OF}`),
    2021: await call('reporting', 'GET', `/reports/overview?year=2021&asOf=${AS_OF}`),
  };
  return EXPECTED_FIGURES.map((f) => {
    const actual = valueAt(overviews[f.year], f.field);
    const ok = f.compare === 'min' ? typeof actual === 'number' && actual >= (f.expected as number) : actual === f.expected;
    return { field: f.field, year: f.year, expected: f.expected, actual, ok };
  });
}

/** Until the consumer has nothing queued or parked and the applied count stops moving. */
export async function waitForReports({ call }: Pick<DemoContext, 'call'>): Promise<void> {
  let last = -1;
  let stable = 0;
  let f: { eventsQueued?: number; eventsParked: number; eventsApplied: number } = { eventsParked: 0, eventsApplied: 0 };
  for (let i = 0; i < 600 && stable < 3; i++) {
    await new Promise((r) => setTimeout(r, 500));
    f = await call('reporting', 'GET', '/reports/freshness');
    const idle = (f.eventsQueued ?? 0) === 0 && f.eventsParked === 0;
    stable = idle && f.eventsApplied === last ? stable + 1 : 0;
    last = f.eventsApplied;
  }
  // Compared anyway, the figures would differ for a reason the comparison cannot show.
  if (stable < 3) {
    throw new DemoError(
      `reporting had not caught up after 5 minutes (${f.eventsApplied} events applied, ${f.eventsQueued ?? '?'} queued, ${f.eventsParked} parked); see GET /reports/freshness`,
    );
  }
}
