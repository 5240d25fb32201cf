import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import {
  AGREEMENT_KIND_LABELS,
  ALLIANCE_ROLE_LABELS,
  DESTINATION_CATEGORY_LABELS,
  programCategoryLabel,
} from '../../../../../libs/contracts/src/labels';
import { SECTOR_LABELS } from '../../../../../libs/contracts/src/reference';
import type { AlignmentReportView } from '../../reports/alignment-report.dto';
import type { AllianceReportView } from '../../reports/alliance-report.dto';
import type { PartnershipReportView } from '../../reports/partnership-report.dto';
import type { PlacementReportView } from '../../reports/placement-report.dto';
import type { EnrollmentReportView, RateView } from '../../reports/report.dto';
import { formatRate, labelOf, Lang, t, TextKey } from './i18n';

// SVG: crisp when printed to PDF and on a wall screen at any scale.
echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface ChartData {
  intakeByCategory: EnrollmentReportView;
  intakeBySector: EnrollmentReportView;
  placement: PlacementReportView;
  /** The placement rate of the cohort at month-ends up to asOf. */
  trend: Array<{ date: string; totals: RateView }>;
  agreements: Array<{ year: number; report: PartnershipReportView }>;
  alliances: AllianceReportView;
  alignment: AlignmentReportView;
}

const CHARTS: ReadonlyArray<{ id: keyof ChartData; title: TextKey; wide?: boolean }> = [
  { id: 'intakeByCategory', title: 'chartIntakeCategory' },
  { id: 'intakeBySector', title: 'chartIntakeSector' },
  { id: 'placement', title: 'chartPlacement' },
  { id: 'trend', title: 'chartPlacementTrend' },
  { id: 'agreements', title: 'chartAgreements' },
  { id: 'alliances', title: 'chartAllianceRoles' },
  { id: 'alignment', title: 'chartAlignment', wide: true },
];

const COLORS = ['#c23531', '#2f4554', '#61a0a8', '#d48265', '#91c7ae', '#749f83', '#ca8622', '#bda29a', '#6e7074', '#546570'];

type Option = echarts.EChartsCoreOption;

/** The month-ends from the end of June of the cohort year up to `asOf`, and `asOf` itself: at most `max`, the latest. */
export function trendDates(cohort: number, asOf: string, max = 13): string[] {
  const dates: string[] = [];
  for (let y = cohort, m = 6; ; m++) {
    if (m > 12) {
      y++;
      m = 1;
    }
    const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    if (end >= asOf) break;
    dates.push(end);
  }
  dates.push(asOf);
  return dates.slice(-max);
}

export class Charts {
  private readonly charts = new Map<keyof ChartData, echarts.ECharts>();

  constructor(container: HTMLElement) {
    for (const c of CHARTS) {
      const figure = document.createElement('figure');
      figure.className = c.wide ? 'chart wide' : 'chart';
      figure.id = `chart-${c.id}`;
      const caption = document.createElement('figcaption');
      caption.dataset.i18n = c.title;
      const body = document.createElement('div');
      body.className = 'chart-body';
      figure.append(caption, body);
      container.append(figure);
      this.charts.set(c.id, echarts.init(body, undefined, { renderer: 'svg' }));
    }
    const resize = () => this.resize();
    window.addEventListener('resize', resize);
    // Printing lays the page out at the paper's width: the charts follow it.
    window.matchMedia('print').addEventListener('change', resize);
    window.addEventListener('beforeprint', resize);
  }

  resize(): void {
    for (const chart of this.charts.values()) chart.resize();
  }

  render(data: ChartData, lang: Lang): void {
    const options: Record<keyof ChartData, Option> = {
      intakeByCategory: bars(
        data.intakeByCategory.rows
          .filter((r) => r.intake > 0)
          .sort((a, b) => b.intake - a.intake)
          .map((r) => ({ name: categoryName(r.key, lang), value: r.intake })),
        t(lang, 'seriesIntake'),
      ),
      intakeBySector: bars(
        data.intakeBySector.rows
          .filter((r) => r.intake > 0)
          .sort((a, b) => b.intake - a.intake)
          .map((r) => ({ name: r.key === 'unknown' ? t(lang, 'unknown') : labelOf(SECTOR_LABELS, r.key, lang), value: r.intake })),
        t(lang, 'seriesIntake'),
      ),
      placement: {
        color: COLORS,
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
        legend: { type: 'scroll', bottom: 0 },
        series: [
          {
            type: 'pie',
            radius: ['35%', '65%'],
            center: ['50%', '45%'],
            label: { formatter: '{b}\n{c}' },
            data: data.placement.rows
              .filter((r) => r.numerator > 0)
              .map((r) => ({ name: destinationName(r.key, lang), value: r.numerator })),
          },
        ],
      },
      trend: {
        color: COLORS,
        grid: { left: 48, right: 64, top: 24, bottom: 32 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: data.trend.map((p) => p.date) },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        series: [
          {
            name: t(lang, 'seriesRate'),
            type: 'line',
            // The latest rate written out; the others in the tooltip (labels on every point overlap).
            endLabel: { show: true, formatter: (p: { value: number }) => `${p.value.toFixed(2)}%` },
            data: data.trend.map((p) => Math.round(p.totals.rate * 10000) / 100),
          },
        ],
      },
      agreements: {
        color: COLORS,
        grid: { left: 40, right: 16, top: 24, bottom: 56 },
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', bottom: 0 },
        xAxis: { type: 'category', data: data.agreements.map((a) => String(a.year)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: Object.keys(AGREEMENT_KIND_LABELS).map((kind) => ({
          name: labelOf(AGREEMENT_KIND_LABELS, kind, lang),
          type: 'bar',
          stack: 'signed',
          data: data.agreements.map((a) => a.report.rows.find((r) => r.key === kind)?.signed ?? 0),
        })),
      },
      alliances: bars(
        Object.entries(data.alliances.totals.members.byRole).map(([role, n]) => ({
          name: labelOf(ALLIANCE_ROLE_LABELS, role, lang),
          value: n,
        })),
        t(lang, 'chartAllianceRoles'),
      ),
      alignment: {
        color: COLORS,
        grid: { left: 56, right: 56, top: 32, bottom: 88 },
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', bottom: 0 },
        xAxis: {
          type: 'category',
          axisLabel: { interval: 0, rotate: 20 },
          data: data.alignment.rows.map((r) => (lang === 'zh' ? r.label : r.labelEn)),
        },
        yAxis: [
          { type: 'value', minInterval: 1 },
          { type: 'value', minInterval: 1, name: t(lang, 'seriesPrograms') },
        ],
        series: [
          { name: t(lang, 'seriesIntake'), type: 'bar', data: data.alignment.rows.map((r) => r.intake) },
          { name: t(lang, 'seriesGraduates'), type: 'bar', data: data.alignment.rows.map((r) => r.graduates) },
          { name: t(lang, 'seriesLocalEmployed'), type: 'bar', data: data.alignment.rows.map((r) => r.localEmployed) },
          { name: t(lang, 'seriesPrograms'), type: 'line', yAxisIndex: 1, data: data.alignment.rows.map((r) => r.programs) },
        ],
      },
    };
    for (const [id, option] of Object.entries(options) as Array<[keyof ChartData, Option]>) this.charts.get(id)?.setOption(option, true);
    // The placement chart's title says the cohort's rate too.
    const rate = data.placement.totals;
    const caption = document.querySelector(`#chart-placement figcaption`);
    if (caption) caption.textContent = `${t(lang, 'chartPlacement')} · ${data.placement.cohort} · ${formatRate(rate.rate, lang)}`;
  }
}

/** A horizontal bar chart of named values (long Chinese names read best on the vertical axis). */
function bars(items: Array<{ name: string; value: number }>, series: string): Option {
  const shown = [...items].reverse();
  return {
    color: COLORS,
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map((i) => i.name), axisLabel: { width: 180, overflow: 'truncate' } },
    series: [{ name: series, type: 'bar', label: { show: true, position: 'right' }, data: shown.map((i) => i.value) }],
  };
}

function categoryName(code: string, lang: Lang): string {
  if (code === 'unknown') return t(lang, 'unknown');
  const label = programCategoryLabel(code);
  return label ? `${code} ${label[lang]}` : code;
}

function destinationName(key: string, lang: Lang): string {
  if (key === 'none') return t(lang, 'none');
  if (key === 'unrecorded') return t(lang, 'unrecorded');
  return labelOf(DESTINATION_CATEGORY_LABELS, key, lang);
}
