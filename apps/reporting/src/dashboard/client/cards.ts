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

export const CARDS: readonly CardDefinition[] = [
  {
    id: 'intake',
    title: 'intake',
    field: 'intake.total',
    raw: (o) => String(o.intake.total),
    value: (o, lang) => formatCount(o.intake.total, lang),
    sub: (o, lang) =>
      [
        `${lang === 'zh' ? '本科' : 'Undergraduate'} ${formatCount(o.intake.undergraduate, lang)}`,
        `${lang === 'zh' ? '高职' : 'Higher voc.'} ${formatCount(o.intake.higherVocational, lang)}`,
        `${lang === 'zh' ? '中职' : 'Secondary'} ${formatCount(o.intake.secondary, lang)}`,
        `${t(lang, 'subThrough23')} ${formatCount(o.intake.through23, lang)}`,
      ].join(' · '),
  },
  {
    id: 'graduates',
    title: 'graduates',
    field: 'graduates.total',
    raw: (o) => String(o.graduates.total),
    value: (o, lang) => formatCount(o.graduates.total, lang),
    sub: (o, lang) => `${t(lang, 'subCohort')} ${o.graduates.cohort}`,
  },
  {
    id: 'placement',
    title: 'placement',
    field: 'graduates.placement.numerator',
    raw: (o) => String(o.graduates.placement.rate),
    value: (o, lang) => formatRate(o.graduates.placement.rate, lang),
    sub: (o, lang) => `${formatCount(o.graduates.placement.numerator, lang)} / ${formatCount(o.graduates.placement.denominator, lang)}`,
  },
  {
    id: 'localEmployed',
    title: 'localEmployed',
    field: 'graduates.localEmployed',
    raw: (o) => String(o.graduates.localEmployed),
    value: (o, lang) => formatCount(o.graduates.localEmployed, lang),
    sub: (o, lang) => `${t(lang, 'subLocalEmployedShare')} ${share(o.graduates.localEmployed, o.graduates.total, lang)}`,
  },
  {
    id: 'interns',
    title: 'interns',
    field: 'internships.students',
    raw: (o) => String(o.internships.students),
    value: (o, lang) => formatCount(o.internships.students, lang),
  },
  {
    id: 'localInterns',
    title: 'localInterns',
    field: 'internships.localStudents',
    raw: (o) => String(o.internships.localStudents),
    value: (o, lang) => formatCount(o.internships.localStudents, lang),
    sub: (o, lang) => `${t(lang, 'subLocalShare')} ${share(o.internships.localStudents, o.internships.students, lang)}`,
  },
  {
    id: 'enterprises',
    title: 'enterprises',
    field: 'partnerships.enterprises',
    raw: (o) => String(o.partnerships.enterprises),
    value: (o, lang) => formatCount(o.partnerships.enterprises, lang),
  },
  {
    id: 'signed',
    title: 'signed',
    field: 'partnerships.schoolEnterpriseSigned',
    raw: (o) => String(o.partnerships.schoolEnterpriseSigned),
    value: (o, lang) => formatCount(o.partnerships.schoolEnterpriseSigned, lang),
    sub: (o, lang) =>
      `${t(lang, 'subGovernment')} ${formatCount(o.partnerships.governmentSchool, lang)} · ${t(lang, 'subUniversity')} ${formatCount(o.partnerships.university, lang)}`,
  },
  {
    id: 'pilots',
    title: 'pilots',
    field: 'partnerships.certificatePilots',
    raw: (o) => String(o.partnerships.certificatePilots),
    value: (o, lang) => formatCount(o.partnerships.certificatePilots, lang),
    sub: (o, lang) => `${t(lang, 'subPilotPartners')} ${formatCount(o.partnerships.certificatePilotEnterprises, lang)}`,
  },
  {
    id: 'orderClass',
    title: 'orderClass',
    field: 'partnerships.orderClasses.students',
    raw: (o) => String(o.partnerships.orderClasses.students),
    value: (o, lang) => formatCount(o.partnerships.orderClasses.students, lang),
    sub: (o, lang) => `${t(lang, 'subOrderPrograms')} ${formatCount(o.partnerships.orderClasses.programs, lang)}`,
  },
  {
    id: 'investment',
    title: 'investment',
    field: 'trainingBases.investment',
    raw: (o) => o.trainingBases.investment,
    value: (o, lang) => formatMoney(o.trainingBases.investment, lang),
  },
  {
    id: 'alliancesLed',
    title: 'alliancesLed',
    field: 'alliances.led',
    raw: (o) => String(o.alliances.led),
    value: (o, lang) => formatCount(o.alliances.led, lang),
    sub: (o, lang) => `${t(lang, 'subAlliances')} ${formatCount(o.alliances.total, lang)}`,
  },
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
