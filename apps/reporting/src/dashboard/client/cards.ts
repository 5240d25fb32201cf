import type { OverviewView } from '../../reports/report.dto';
import { formatCount, formatMoney, formatRate, Lang, t, TextKey } from './i18n';

/** A headline card: its figure in the overview, how it reads, and the field GET /reports/explain explains it by. */
export interface CardDefinition {
  id: string;
  title: TextKey;
  /** The explain report's field for the figure (its records are listed when the card is opened). */
  field: string;
  /** The figure as the API gives it (what the test compares with GET /reports/overview). */
  raw(o: OverviewView): string;
  value(o: OverviewView, lang: Lang): string;
  sub?(o: OverviewView, lang: Lang): string;
}

const share = (n: number, d: number, lang: Lang) => (d > 0 ? formatRate(n / d, lang) : '—');

/** The number at a dotted path of the overview (the explain report's field names are these paths). */
const at = (o: OverviewView, path: string): number =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o) as number;

/** A card of a count: its figure at `field`, explained by the same field. */
const count = (id: CardDefinition['title'], field: string, sub?: CardDefinition['sub']): CardDefinition =>
  Object.assign(
    {
      id,
      title: id,
      field,
      raw: (o: OverviewView) => String(at(o, field)),
      value: (o: OverviewView, lang: Lang) => formatCount(at(o, field), lang),
    },
    sub ? { sub } : {},
  );

export const CARDS: readonly CardDefinition[] = [
  count('intake', 'intake.total', (o, lang) =>
    [
      `${lang === 'zh' ? '本科' : 'Undergraduate'} ${formatCount(o.intake.undergraduate, lang)}`,
      `${lang === 'zh' ? '高职' : 'Higher voc.'} ${formatCount(o.intake.higherVocational, lang)}`,
      `${lang === 'zh' ? '中职' : 'Secondary'} ${formatCount(o.intake.secondary, lang)}`,
      `${t(lang, 'subThrough23')} ${formatCount(o.intake.through23, lang)}`,
    ].join(' · '),
  ),
  count('graduates', 'graduates.total', (o, lang) => `${t(lang, 'subCohort')} ${o.graduates.cohort}`),
  {
    id: 'placement',
    title: 'placement',
    field: 'graduates.placement.numerator',
    raw: (o) => String(o.graduates.placement.rate),
    value: (o, lang) => formatRate(o.graduates.placement.rate, lang),
    sub: (o, lang) => `${formatCount(o.graduates.placement.numerator, lang)} / ${formatCount(o.graduates.placement.denominator, lang)}`,
  },
  count(
    'localEmployed',
    'graduates.localEmployed',
    (o, lang) => `${t(lang, 'subLocalEmployedShare')} ${share(o.graduates.localEmployed, o.graduates.total, lang)}`,
  ),
  count('interns', 'internships.students'),
  count(
    'localInterns',
    'internships.localStudents',
    (o, lang) => `${t(lang, 'subLocalShare')} ${share(o.internships.localStudents, o.internships.students, lang)}`,
  ),
  count('enterprises', 'partnerships.enterprises'),
  count(
    'signed',
    'partnerships.schoolEnterpriseSigned',
    (o, lang) =>
      `${t(lang, 'subGovernment')} ${formatCount(o.partnerships.governmentSchool, lang)} · ${t(lang, 'subUniversity')} ${formatCount(o.partnerships.university, lang)}`,
  ),
  count(
    'pilots',
    'partnerships.certificatePilots',
    (o, lang) => `${t(lang, 'subPilotPartners')} ${formatCount(o.partnerships.certificatePilotEnterprises, lang)}`,
  ),
  count(
    'orderClass',
    'partnerships.orderClasses.students',
    (o, lang) => `${t(lang, 'subOrderPrograms')} ${formatCount(o.partnerships.orderClasses.programs, lang)}`,
  ),
  {
    id: 'investment',
    title: 'investment',
    field: 'trainingBases.investment',
    raw: (o) => o.trainingBases.investment,
    value: (o, lang) => formatMoney(o.trainingBases.investment, lang),
  },
  count('alliancesLed', 'alliances.led', (o, lang) => `${t(lang, 'subAlliances')} ${formatCount(o.alliances.total, lang)}`),
];

/** Builds the cards (empty); {@link fillCards} writes their figures. */
export function createCards(container: HTMLElement, onOpen: (card: CardDefinition) => void): void {
  for (const card of CARDS) {
    const el = document.createElement('button');
    el.type = 'button';
    el.className = 'card';
    el.id = `card-${card.id}`;
    el.dataset.field = card.field;
    el.innerHTML = '<span class="card-title"></span><span class="card-value">—</span><span class="card-sub"></span>';
    el.addEventListener('click', () => onOpen(card));
    container.append(el);
  }
}

export function fillCards(o: OverviewView | undefined, lang: Lang): void {
  for (const card of CARDS) {
    const el = document.getElementById(`card-${card.id}`);
    if (!el) continue;
    el.querySelector('.card-title')!.textContent = t(lang, card.title);
    const value = el.querySelector<HTMLElement>('.card-value')!;
    value.textContent = o ? card.value(o, lang) : '—';
    value.dataset.raw = o ? card.raw(o) : '';
    el.querySelector('.card-sub')!.textContent = o && card.sub ? card.sub(o, lang) : '';
  }
}
