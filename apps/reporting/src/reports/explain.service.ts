import { Injectable } from '@nestjs/common';
import { encodeCursor, type Page, type PageRequest } from '@chanjiao/persistence';
import { formatCents } from '../projection/partnership.projections';
import type { ReportSource } from './report-reader';
import type { FigureDefinition, Term, Window } from './explain.fields';

/** A fact of a record that the figure's terms select (as the projection stored it; day absent: from the beginning). */
export interface ExplainedFact {
  metric: string;
  dims: Record<string, unknown>;
  day: string | null;
  value: number;
}

export interface ExplainedEvent {
  id: string;
  type: string;
  subject: string;
  sequence: number;
  time: string;
}

export interface ExplainedRecord {
  institution: string;
  kind: string;
  id: string;
  /** What the record adds to the figure: the listing's values sum to it (CNY decimal strings for money). */
  value: number | string;
  /** A distinct count's value this record has (the first record with each value counts 1, the others 0). */
  key?: string | null;
  /** A maximum's candidate: the record's own value (the first record with the largest counts it, the others 0). */
  measured?: number;
  /** The selected facts, by day (at most {@link FACTS_PER_RECORD}). */
  facts: ExplainedFact[];
  /** Applied events of the record's subjects that feed its kind, oldest first (at most {@link EVENTS_PER_RECORD}). */
  events: ExplainedEvent[];
}

export interface Explanation {
  /** The figure, summed from the counters as the report sums it. */
  figure: number | string;
  /** Records with a non-zero contribution. */
  count: number;
  /** The sum of every record's value: equals `figure`. */
  total: number | string;
  items: ExplainedRecord[];
  nextCursor: string | null;
}

export const FACTS_PER_RECORD = 20;
export const EVENTS_PER_RECORD = 20;

/** The institutions a source reads: one, or a bureau's several (`institution=A,B`). */
const institutionsOf = (source: ReportSource): string[] => [...source.institutions];

/** Which applied events make a read model of each kind: type prefixes on its own subject, and on subjects its state names. */
const FEEDS: Record<string, { own: string[]; named?: Array<{ path: string; prefix: string }> }> = {
  program: { own: ['enrollment.program.'] },
  student: { own: ['enrollment.student.'] },
  graduate: { own: ['enrollment.student.graduated.', 'placement.destination.'] },
  intern: { own: ['enrollment.student.enrolled.'], named: [{ path: 'internships', prefix: 'placement.internship.' }] },
  partner: {
    own: ['partnership.partner.'],
    named: [
      { path: 'agreements', prefix: 'partnership.agreement.signed.' },
      { path: 'pilots', prefix: 'partnership.certificate_pilot.launched.' },
    ],
  },
  agreement: { own: ['partnership.agreement.'] },
  order_class: { own: ['partnership.order_class.'] },
  certificate_pilot: { own: ['partnership.certificate_pilot.'] },
  industry_college: { own: ['partnership.industry_college.'] },
  training_base: { own: ['partnership.training_base.'] },
  alliance: { own: ['alliance.alliance.'] },
  alliance_member: { own: ['alliance.member.'] },
  alliance_charter: { own: ['alliance.charter.'] },
  alliance_contribution: { own: ['alliance.contribution.'] },
  alliance_activity: { own: ['alliance.activity.'] },
};
/** Subjects a record's state names (an intern's internships, a partner's agreements): bounded per record. */
const NAMED_SUBJECTS_PER_RECORD = 50;

/** The days a window selects: [from, to] (null: unbounded), or nothing (asOf before the year). */
export function windowDays(window: Window, year: number, asOf: string): { from: string | null; to: string | null } | null {
  if (window === 'ever') return { from: null, to: null };
  if (window === 'asOf') return { from: null, to: asOf };
  if (window === 'inYear') {
    const start = `${year}-01-01`;
    const end = `${year}-12-31`;
    return asOf < start ? null : { from: start, to: asOf < end ? asOf : end };
  }
  return { from: null, to: asOf < window.capAt ? asOf : window.capAt };
}

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * A term's conditions on a fact, for the read-model facts (`fact` the jsonb element) and for the counters (their
 * columns): the same metric, dims filter, dims tests, program test and days, so a listing and its figure cannot differ
 * in what they select.
 */
function termConditions(
  t: Term,
  days: { from: string | null; to: string | null },
  p: Params,
  at: { institution: string; metric: string; dims: string; day: string },
): string {
  const where = [`${at.metric} = ${p.add(t.metric)}`, `${at.dims} @> ${p.add(JSON.stringify(t.filter))}::jsonb`];
  if (days.from) where.push(`${at.day} >= ${p.add(days.from)}::date`);
  if (days.to) where.push(`${at.day} <= ${p.add(days.to)}::date`);
  for (const test of t.tests ?? []) {
    const v = `${at.dims}->>${p.add(test.key)}`;
    if (test.isNull) where.push(`${v} IS NULL`);
    if (test.in) where.push(`${v} = ANY(${p.add(test.in)}::text[])`);
    if (test.notIn) where.push(`(${v} IS NULL OR NOT ${v} = ANY(${p.add(test.notIn)}::text[]))`);
  }
  if (t.program) {
    const of = `program.state->${t.program.by === 'category' ? `'category'` : `'sectors'`}`;
    const has = () =>
      t.program!.by === 'category' ? `${of} = to_jsonb(${p.add(t.program!.key)}::text)` : `${of} ? ${p.add(t.program!.key)}`;
    const known = `program.institution = ${at.institution} AND program.kind = 'program' AND program.id = ${at.dims}->>'programCode'
      AND program.state <> 'null'::jsonb`;
    // The report groups a program of no category, or no sectors, or none at all, as 'unknown'.
    const unknown = t.program.by === 'category' ? `${of} IS NULL OR ${of} = 'null'::jsonb` : `coalesce(jsonb_array_length(${of}), 0) = 0`;
    where.push(
      t.program.key === 'unknown'
        ? `NOT EXISTS (SELECT 1 FROM read_model program WHERE ${known} AND NOT (${unknown}))`
        : `EXISTS (SELECT 1 FROM read_model program WHERE ${known} AND ${has()})`,
    );
  }
  return where.join(' AND ');
}

const FACT = {
  metric: `fact->>'metric'`,
  dims: `(fact->'dims')`,
  day: `coalesce((fact->>'day')::date, '-infinity'::date)`,
};

/** The records a figure is made of, per institution and id: what each adds, its facts and the terms' kinds. */
function recordsSql(def: FigureDefinition, year: number, asOf: string, p: Params, institutions: string): string {
  const parts = def.terms.flatMap((t, i) => {
    const days = windowDays(t.window, year, asOf);
    if (!days) return [];
    const on = termConditions(t, days, p, Object.assign({ institution: 'rm.institution' }, FACT));
    return [
      `SELECT rm.institution, rm.id, ${i} AS term, rm.kind, fact, ${t.sign ?? 1} * (fact->>'value')::bigint AS value
       FROM read_model rm CROSS JOIN LATERAL jsonb_array_elements(rm.facts) AS fact
       WHERE rm.institution = ANY(${institutions}::text[]) AND rm.kind = ${p.add(t.kind)} AND ${on}`,
    ];
  });
  const matched = parts.length
    ? parts.join(' UNION ALL ')
    : `SELECT NULL::text AS institution, NULL::text AS id, 0 AS term, NULL::text AS kind, NULL::jsonb AS fact, 0::bigint AS value WHERE false`;
  const key = def.aggregate.kind === 'distinct' ? `(array_agg(fact->'dims'->>${p.add(def.aggregate.key)}))[1]` : 'NULL::text';
  const records = `SELECT institution, id, (array_agg(kind ORDER BY term))[1] AS kind, array_agg(DISTINCT kind) AS kinds,
      sum(value) AS measured, ${key} AS key,
      (jsonb_agg(fact ORDER BY coalesce(fact->>'day', ''), term))
        AS facts
    FROM (${matched}) AS matched GROUP BY institution, id HAVING sum(value) <> 0`;
  switch (def.aggregate.kind) {
    case 'sum':
      return `SELECT *, measured AS value FROM (${records}) AS r`;
    case 'distinct':
      return `SELECT *, CASE WHEN key IS NOT NULL AND row_number() OVER (PARTITION BY institution, key ORDER BY id) = 1 THEN 1 ELSE 0 END AS value
        FROM (${records}) AS r`;
    case 'max':
      return `SELECT *, CASE WHEN measured > 0 AND row_number() OVER (PARTITION BY institution ORDER BY measured DESC, id) = 1 THEN measured ELSE 0 END AS value
        FROM (${records}) AS r`;
    default: {
      const never: never = def.aggregate;
      throw new Error(`unknown aggregate ${JSON.stringify(never)}`);
    }
  }
}

/** The figure from the counters, summed with the same terms. */
function figureSql(def: FigureDefinition, year: number, asOf: string, p: Params, institutions: string): string {
  const COUNTER = { institution: 'c.institution', metric: 'c.metric', dims: 'c.dims', day: 'c.day' };
  const cells = def.terms.flatMap((t) => {
    const days = windowDays(t.window, year, asOf);
    if (!days) return [];
    return [
      `SELECT c.institution, c.dims, ${t.sign ?? 1} * c.value AS value FROM counter c
       WHERE c.institution = ANY(${institutions}::text[]) AND ${termConditions(t, days, p, COUNTER)}`,
    ];
  });
  if (!cells.length) return `SELECT '0' AS figure`;
  // Per cell first (as CounterRepository.spread does): a distinct value or a maximum is of cells whose sum is not zero,
  // and of one institution: several institutions' figure is the sum of each one's (DESIGN.md §5).
  const grouped = `SELECT institution, dims, sum(value) AS value FROM (${cells.join(' UNION ALL ')}) AS c
    GROUP BY institution, dims HAVING sum(value) <> 0`;
  switch (def.aggregate.kind) {
    case 'sum':
      return `SELECT coalesce(sum(value), 0)::text AS figure FROM (${grouped}) AS g`;
    case 'distinct':
      return `SELECT coalesce(sum(n), 0)::text AS figure
        FROM (SELECT count(DISTINCT dims->>${p.add(def.aggregate.key)}) AS n FROM (${grouped}) AS g GROUP BY institution) AS i`;
    case 'max':
      return `SELECT coalesce(sum(n), 0)::text AS figure
        FROM (SELECT greatest(0, max(value)) AS n FROM (${grouped}) AS g GROUP BY institution) AS i`;
    default: {
      const never: never = def.aggregate;
      throw new Error(`unknown aggregate ${JSON.stringify(never)}`);
    }
  }
}

/** A sum as the report gives it: CNY as a decimal string for money (cents inside), else a number. */
const moneyOr = (def: FigureDefinition, v: string): number | string => (def.money ? formatCents(Number(v)) : Number(v));

interface RecordRow {
  institution: string;
  id: string;
  kind: string;
  kinds: string[];
  measured: string;
  key: string | null;
  facts: Array<{ metric: string; dims: Record<string, unknown>; day?: string; value: number }>;
  value: string;
}

/**
 * GET /reports/explain: the read models whose facts make a figure, a keyset page at a time (by institution and id), with
 * the figure from the counters and the listing's count and sum, all read in the caller's snapshot.
 */
@Injectable()
export class ExplainService {
  async explain(source: ReportSource, def: FigureDefinition, year: number, asOf: string, page: PageRequest): Promise<Explanation> {
    const [figures, records] = await Promise.all([this.figures(source, def, year, asOf), this.records(source, def, year, asOf, page)]);
    return Object.assign(figures, records);
  }

  /** The figure (from the counters) and the listing's count and total (over every page). */
  async figures(
    source: ReportSource,
    def: FigureDefinition,
    year: number,
    asOf: string,
  ): Promise<Pick<Explanation, 'figure' | 'count' | 'total'>> {
    const [figure, summary] = await Promise.all([this.figure(source, def, year, asOf), this.summary(source, def, year, asOf)]);
    return { figure: moneyOr(def, figure), count: summary.count, total: moneyOr(def, summary.total) };
  }

  /** A page of the records, with their facts and events (no figure, no count: a CSV asks for those once). */
  async records(
    source: ReportSource,
    def: FigureDefinition,
    year: number,
    asOf: string,
    page: PageRequest,
  ): Promise<Page<ExplainedRecord>> {
    const rows = await this.page(source, def, year, asOf, page);
    const more = rows.length > page.limit;
    const pageRows = more ? rows.slice(0, page.limit) : rows;
    const events = await this.events(source, pageRows);
    return {
      items: pageRows.map((r) => this.view(r, def, events)),
      nextCursor: more ? encodeCursor([pageRows.at(-1)!.institution, pageRows.at(-1)!.id]) : null,
    };
  }

  async figure(source: ReportSource, def: FigureDefinition, year: number, asOf: string): Promise<string> {
    const p = new Params();
    const institutions = p.add(institutionsOf(source));
    const [row] = await source.query<Array<{ figure: string }>>(figureSql(def, year, asOf, p, institutions), p.values);
    return row?.figure ?? '0';
  }

  private async summary(source: ReportSource, def: FigureDefinition, year: number, asOf: string) {
    const p = new Params();
    const institutions = p.add(institutionsOf(source));
    const sql = `SELECT count(*)::int AS count, coalesce(sum(value), 0)::text AS total FROM (${recordsSql(def, year, asOf, p, institutions)}) AS r`;
    const [row] = await source.query<Array<{ count: number; total: string }>>(sql, p.values);
    return { count: row?.count ?? 0, total: row?.total ?? '0' };
  }

  private page(source: ReportSource, def: FigureDefinition, year: number, asOf: string, page: PageRequest): Promise<RecordRow[]> {
    const p = new Params();
    const institutions = p.add(institutionsOf(source));
    const records = recordsSql(def, year, asOf, p, institutions);
    const after = page.after ? `WHERE (institution, id) > (${p.add(page.after[0])}, ${p.add(page.after[1])})` : '';
    const sql = `SELECT institution, id, kind, kinds, measured::text, key, value::text,
        CASE WHEN jsonb_array_length(facts) > ${FACTS_PER_RECORD} THEN jsonb_path_query_array(facts, '$[0 to ${FACTS_PER_RECORD - 1}]') ELSE facts END AS facts
      FROM (${records}) AS r ${after} ORDER BY institution, id LIMIT ${p.add(page.limit + 1)}`;
    return source.query<RecordRow[]>(sql, p.values);
  }

  /** The applied events (not those parked ahead of their predecessor) of the page's records, oldest first, bounded per record. */
  private async events(source: ReportSource, rows: RecordRow[]): Promise<Map<string, ExplainedEvent[]>> {
    const out = new Map<string, ExplainedEvent[]>();
    if (rows.length === 0) return out;
    // Subjects a record's state names: read for the kinds that have them (interns, partners) on this page only.
    const namedKinds = [...new Set(rows.flatMap((r) => r.kinds))].filter((k) => FEEDS[k]?.named);
    const named = new Map<string, Array<{ subject: string; prefix: string }>>();
    for (const kind of namedKinds) {
      const ids = rows.filter((r) => r.kinds.includes(kind)).map((r) => [r.institution, r.id]);
      const states = await source.query<Array<{ institution: string; id: string; state: Record<string, unknown> | null }>>(
        `SELECT institution, id, state FROM read_model WHERE kind = $1 AND (institution, id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
        [kind, ids.map((i) => i[0]), ids.map((i) => i[1])],
      );
      for (const s of states) {
        const list = named.get(`${s.institution}\u0000${s.id}`) ?? [];
        for (const n of FEEDS[kind]!.named!) {
          const subjects = Object.keys((s.state?.[n.path] as Record<string, unknown> | undefined) ?? {}).slice(
            0,
            NAMED_SUBJECTS_PER_RECORD,
          );
          list.push(...subjects.map((subject) => ({ subject, prefix: n.prefix })));
        }
        named.set(`${s.institution}\u0000${s.id}`, list);
      }
    }
    const wanted = rows.map((r) => {
      const key = `${r.institution}\u0000${r.id}`;
      const feeds = [
        ...r.kinds.flatMap((k) => (FEEDS[k]?.own ?? []).map((prefix) => ({ subject: r.id, prefix }))),
        ...(named.get(key) ?? []),
      ];
      return { key, institution: r.institution, feeds };
    });
    const institutions = wanted.flatMap((w) => w.feeds.map(() => w.institution));
    const subjects = wanted.flatMap((w) => w.feeds.map((f) => f.subject));
    const found = await source.query<Array<ExplainedEvent & { institution: string; time: Date }>>(
      `SELECT e.institution, e.id, e.type, e.subject, e.sequence, e.time FROM event_log e
       WHERE (e.institution, e.subject) IN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]))
         AND EXISTS (SELECT 1 FROM stream_position sp WHERE sp.institution = e.institution
                       AND sp.stream = split_part(e.type, '.', 1) || '.' || split_part(e.type, '.', 2)
                       AND sp.subject = e.subject AND sp.sequence >= e.sequence)
       ORDER BY e.time, e.subject, e.sequence`,
      [institutions, subjects],
    );
    const bySubject = new Map<string, Array<ExplainedEvent & { institution: string; time: Date }>>();
    for (const e of found) {
      const k = `${e.institution}\u0000${e.subject}`;
      const list = bySubject.get(k);
      if (list) list.push(e);
      else bySubject.set(k, [e]);
    }
    for (const w of wanted) {
      const seen = new Set<string>();
      const list: ExplainedEvent[] = [];
      for (const f of w.feeds) {
        for (const e of bySubject.get(`${w.institution}\u0000${f.subject}`) ?? []) {
          if (!e.type.startsWith(f.prefix) || seen.has(e.id)) continue;
          seen.add(e.id);
          list.push({ id: e.id, type: e.type, subject: e.subject, sequence: e.sequence, time: new Date(e.time).toISOString() });
        }
      }
      out.set(w.key, list.sort((a, b) => a.time.localeCompare(b.time) || a.sequence - b.sequence).slice(0, EVENTS_PER_RECORD));
    }
    return out;
  }

  private view(r: RecordRow, def: FigureDefinition, events: Map<string, ExplainedEvent[]>): ExplainedRecord {
    const record: ExplainedRecord = {
      institution: r.institution,
      kind: r.kind,
      id: r.id,
      value: moneyOr(def, r.value),
      facts: [],
      events: [],
    };
    if (def.aggregate.kind === 'distinct') record.key = r.key;
    if (def.aggregate.kind === 'max') record.measured = Number(r.measured);
    record.facts = r.facts.map((f) => ({ metric: f.metric, dims: f.dims, day: f.day ?? null, value: f.value }));
    record.events = events.get(`${r.institution}\u0000${r.id}`) ?? [];
    return record;
  }
}
