import type { AlignmentReportView } from '../../reports/alignment-report.dto';
import type { AllianceReportView } from '../../reports/alliance-report.dto';
import type { ExplainView } from '../../reports/explain.dto';
import type { PartnershipReportView } from '../../reports/partnership-report.dto';
import type { PlacementReportView } from '../../reports/placement-report.dto';
import type { EnrollmentReportView, FreshnessView, OverviewView } from '../../reports/report.dto';
import { ApiError, download, getJson, Query, session } from './api';
import { CardDefinition, createCards, fillCards } from './cards';
import { ChartData, Charts, trendDates } from './charts';
import { applyLanguage, formatTime, Lang, t } from './i18n';
import { followChanges } from './stream';

/**
 * The dashboard (README "Dashboard / 看板"): signs in with a reader key, shows the overview's headline figures and the
 * reports' charts for a year, an asOf date and the institutions chosen, and refetches them whenever the change stream
 * says events were applied. Year, asOf and language are kept in the address's #fragment (never the key).
 */
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};

interface State {
  lang: Lang;
  year: number;
  /** '' = today (the API's default). */
  asOf: string;
  /** The institutions the key may pick among (several: a bureau's key); empty until signed in. */
  known: string[];
  /** The `institution` parameter: '' (the key's own), codes joined with commas, or `all`. */
  institution: string;
  overview?: OverviewView;
  charts?: ChartData;
  live: boolean;
}

const fragment = new URLSearchParams(location.hash.slice(1));
const state: State = {
  lang: fragment.get('lang') === 'en' ? 'en' : 'zh',
  year: Number(fragment.get('year')) || new Date().getFullYear(),
  asOf: /^\d{4}-\d{2}-\d{2}$/.test(fragment.get('asOf') ?? '') ? fragment.get('asOf')! : '',
  known: [],
  institution: '',
  live: false,
};
let charts: Charts;
let stopStream: (() => void) | undefined;

function keepInAddress(): void {
  const params = new URLSearchParams({ year: String(state.year), lang: state.lang });
  if (state.asOf) params.set('asOf', state.asOf);
  history.replaceState(null, '', `#${params.toString()}`);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function query(extra: Query = {}): Query {
  return Object.assign({ year: state.year, asOf: state.asOf || undefined, institution: state.institution || undefined }, extra);
}

// ---------- rendering ----------

function render(): void {
  applyLanguage(state.lang);
  $('lang').textContent = state.lang === 'zh' ? 'English' : '中文';
  $('lang').lang = state.lang === 'zh' ? 'en' : 'zh-CN';
  fillCards(state.overview, state.lang);
  if (state.charts) charts.render(state.charts, state.lang);
  renderStamp();
  renderInstitutions();
}

function renderStamp(): void {
  const o = state.overview;
  const parts: string[] = [];
  if (o) {
    parts.push(o.asOf ? `${t(state.lang, 'stampData')} ${formatTime(o.asOf, state.lang)}` : t(state.lang, 'stampNone'));
    parts.push(`${t(state.lang, 'stampFigures')} ${o.date}`);
    parts.push(o.institution);
  }
  parts.push(state.live ? `● ${t(state.lang, 'live')}` : `○ ${t(state.lang, 'offline')}`);
  $('stamp').textContent = parts.join(' · ');
  $('stamp').dataset.asOf = o?.asOf ?? '';
}

function renderInstitutions(): void {
  const box = $('institutions');
  box.hidden = state.known.length < 2;
  if (box.hidden) return;
  const list = $('institution-list');
  const chosen = state.institution === 'all' ? new Set(state.known) : new Set(state.institution.split(','));
  list.replaceChildren(
    ...state.known.map((code) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.value = code;
      input.checked = chosen.has(code);
      label.append(input, ` ${code}`);
      return label;
    }),
  );
}

function showError(e: unknown): void {
  $('board-error').textContent = e ? messageOf(e) : '';
}

// ---------- loading ----------

let loading: Promise<void> | undefined;
let again = false;

/** Loads every figure; a call while loading loads once more after it (changes coalesce). */
function refresh(): Promise<void> {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      await loadOnce();
    } while (again);
  })().finally(() => {
    loading = undefined;
  });
  return loading;
}

async function loadOnce(): Promise<void> {
  const key = session.key();
  if (!key) return;
  try {
    const year = state.year;
    const q = query();
    const overview = getJson<OverviewView>(key, '/reports/overview', q);
    const asOf = state.asOf || (await overview).date;
    const trend = Promise.all(
      trendDates(year, asOf).map(async (date) => ({
        date,
        totals: (await getJson<PlacementReportView>(key, '/reports/placement', query({ cohort: year, year: undefined, asOf: date })))
          .totals,
      })),
    );
    const agreements = Promise.all(
      [year - 4, year - 3, year - 2, year - 1, year].map(async (y) => ({
        year: y,
        report: await getJson<PartnershipReportView>(key, '/reports/partnerships', query({ year: y, asOf, by: 'kind' })),
      })),
    );
    const [o, intakeByCategory, intakeBySector, placement, trendPoints, agreementYears, alliances, alignment] = await Promise.all([
      overview,
      getJson<EnrollmentReportView>(key, '/reports/enrollment', query({ by: 'category' })),
      getJson<EnrollmentReportView>(key, '/reports/enrollment', query({ by: 'sector' })),
      getJson<PlacementReportView>(key, '/reports/placement', query({ cohort: year, year: undefined, by: 'category' })),
      trend,
      agreements,
      getJson<AllianceReportView>(key, '/reports/alliances', q),
      getJson<AlignmentReportView>(key, '/reports/alignment', query({ programLimit: 0 })),
    ]);
    state.overview = o;
    state.charts = { intakeByCategory, intakeBySector, placement, trend: trendPoints, agreements: agreementYears, alliances, alignment };
    showError(undefined);
    render();
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded ?? 0) + 1);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signOut(e);
    showError(e);
  }
}

function follow(): void {
  stopStream?.();
  const key = session.key();
  if (!key) return;
  let applied: number | undefined;
  stopStream = followChanges(key, state.institution, {
    onChange: (change) => {
      // Also on (re)connecting: what changed while the stream was down is fetched then.
      if (change.eventsApplied !== applied) void refresh();
      applied = change.eventsApplied;
    },
    onState: (live) => {
      state.live = live;
      renderStamp();
    },
    onRefused: (e) => signOut(e),
  });
}

// ---------- explanations ----------

async function explain(card: CardDefinition, cursor?: string): Promise<void> {
  const key = session.key();
  if (!key) return;
  const dialog = $<HTMLDialogElement>('explain');
  const rows = $('explain-rows');
  if (!cursor) {
    $('explain-title').textContent = t(state.lang, card.title);
    $('explain-summary').textContent = '…';
    rows.replaceChildren();
    if (!dialog.open) dialog.showModal();
  }
  try {
    const page = await getJson<ExplainView>(key, '/reports/explain', query({ field: card.field, limit: 50, cursor }));
    $('explain-summary').textContent = t(state.lang, 'explainSummary', { figure: page.figure, count: page.count, total: page.total });
    for (const item of page.items) {
      const tr = document.createElement('tr');
      const events = item.events.map((e) => `${e.type.replace(/\.v\d+$/, '')} (${e.time.slice(0, 10)})`).join('\n');
      for (const text of [item.institution, item.kind, item.id, String(item.value), events]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      rows.append(tr);
    }
    const more = $<HTMLButtonElement>('explain-more');
    more.hidden = page.nextCursor === null;
    more.onclick = page.nextCursor === null ? null : () => void explain(card, page.nextCursor ?? undefined);
  } catch (e) {
    $('explain-summary').textContent = messageOf(e);
  }
}

// ---------- sign-in ----------

async function signIn(key: string, institution: string): Promise<void> {
  const fresh = await getJson<FreshnessView>(key, '/reports/freshness', { institution: institution || undefined });
  // A bureau's key: the institutions it may pick among.
  const several = fresh.institutions !== undefined || institution === 'all' || institution.includes(',');
  const known = several ? await getJson<FreshnessView>(key, '/reports/freshness', { institution: 'all' }) : fresh;
  session.save(key, institution);
  state.known = known.institutions ?? [known.institution];
  state.institution = institution;
}

function showSignIn(message = ''): void {
  $('signin').hidden = false;
  $('board').hidden = true;
  $('signin-error').textContent = message;
  $<HTMLInputElement>('key').focus();
}

async function enter(): Promise<void> {
  $('signin').hidden = true;
  $('board').hidden = false;
  $<HTMLInputElement>('year').value = String(state.year);
  $<HTMLInputElement>('asof').value = state.asOf;
  render();
  follow();
  await refresh();
}

function signOut(reason?: ApiError): void {
  stopStream?.();
  stopStream = undefined;
  session.clear();
  state.overview = undefined;
  state.charts = undefined;
  state.known = [];
  state.live = false;
  showSignIn(reason ? reason.message : '');
}

// ---------- wiring ----------

function wire(): void {
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    keepInAddress();
    render();
  });
  $('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = $<HTMLInputElement>('key').value.trim();
    const institution = $<HTMLInputElement>('institution').value.trim().toUpperCase().replace(/^ALL$/, 'all');
    $('signin-error').textContent = '';
    signIn(key, institution).then(
      () => {
        $<HTMLInputElement>('key').value = '';
        return enter();
      },
      (e: unknown) => {
        $('signin-error').textContent = messageOf(e);
      },
    );
  });
  $('signout').addEventListener('click', () => signOut());
  $('controls').addEventListener('submit', (ev) => ev.preventDefault());
  $('controls').addEventListener('change', (ev) => {
    const target = ev.target as HTMLInputElement;
    if (target.id === 'year') {
      if (!target.checkValidity()) return;
      state.year = Number(target.value);
    } else if (target.id === 'asof') {
      state.asOf = target.value;
    } else if (target.type === 'checkbox') {
      const chosen = [...$('institution-list').querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
      if (chosen.length === 0) {
        target.checked = true;
        showError(new Error(t(state.lang, 'noInstitution')));
        return;
      }
      state.institution = chosen.length === state.known.length ? 'all' : chosen.join(',');
      sessionStorage.setItem('chanjiao.dashboard.institution', state.institution);
      follow();
    }
    keepInAddress();
    void refresh();
  });
  for (const format of ['csv', 'xlsx'] as const) {
    $(`download-${format}`).addEventListener('click', () => {
      const key = session.key();
      if (!key) return;
      download(key, '/reports/quality-report', query({ format }), `quality-report-${state.year}.${format}`).catch(showError);
    });
  }
  $('explain-close').addEventListener('click', () => $<HTMLDialogElement>('explain').close());
}

function start(): void {
  charts = new Charts($('charts'));
  createCards($('cards'), (card) => void explain(card));
  wire();
  keepInAddress();
  render();
  const key = session.key();
  if (!key) return showSignIn();
  // A reload in the same tab: still signed in.
  const institution = session.institution();
  signIn(key, institution).then(enter, (e: unknown) => signOut(e instanceof ApiError ? e : undefined));
}

start();
