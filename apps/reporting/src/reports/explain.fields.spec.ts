import { CounterMetric } from '../projection/counter-metric';
import { closeMatches, figureDefinition, OVERVIEW_FIELDS, parseRowField, UnknownFieldError } from './explain.fields';
import { windowDays } from './explain.service';

const unknown = (field: string) => {
  try {
    figureDefinition(field, 2022);
  } catch (e) {
    if (e instanceof UnknownFieldError) return e;
    throw e;
  }
  throw new Error(`${field} was accepted`);
};

describe('explain fields', () => {
  it('knows every numeric field of the overview but cohort, rates by their terms', () => {
    expect(OVERVIEW_FIELDS).toEqual(
      expect.arrayContaining([
        'programs.categories',
        'programs.alignedShare.numerator',
        'intake.through23',
        'graduates.notPlaced',
        'graduates.placement.denominator',
        'internships.localStudents',
        'partnerships.orderClasses.students',
        'trainingBases.investment',
        'alliances.forumParticipants',
      ]),
    );
    expect(OVERVIEW_FIELDS).toHaveLength(34);
    for (const f of ['graduates.cohort', 'graduates.placement', 'graduates.placement.rate', 'programs.alignedShare']) unknown(f);
  });

  it('defines a figure by metric, filter, tests and window', () => {
    expect(figureDefinition('graduates.placed', 2022)).toEqual({
      field: 'graduates.placed',
      aggregate: { kind: 'sum' },
      terms: [
        {
          kind: 'graduate',
          metric: CounterMetric.GraduatesByCategory,
          filter: { cohort: 2022 },
          tests: [{ key: 'category', notIn: ['not_placed'] }],
          window: 'asOf',
        },
      ],
    });
    const notPlaced = figureDefinition('graduates.notPlaced', 2021);
    expect(notPlaced.terms.map((t) => [t.kind, t.sign ?? 1])).toEqual([
      ['student', 1],
      ['graduate', -1],
    ]);
    expect(figureDefinition('trainingBases.investment', 2021)).toMatchObject({ money: true, terms: [{ window: 'inYear' }] });
    expect(figureDefinition('programs.clusters', 2021).aggregate).toEqual({ kind: 'distinct', key: 'cluster' });
    expect(figureDefinition('alliances.forumParticipants', 2021).aggregate).toEqual({ kind: 'max' });
  });

  it('parses breakdown rows as <report>.<by>=<key>.<column>, the key holding dots or slashes', () => {
    expect(parseRowField('placement.category=contract.numerator')).toEqual({
      report: 'placement',
      by: 'category',
      key: 'contract',
      column: 'numerator',
    });
    expect(parseRowField('alliances.alliance=A.1/x.members')).toEqual({
      report: 'alliances',
      by: 'alliance',
      key: 'A.1/x',
      column: 'members',
    });
    expect(parseRowField('enrollment.total.withdrawals')).toEqual({ report: 'enrollment', by: 'total', key: null, column: 'withdrawals' });
    expect(figureDefinition('enrollment.program=460103.intake', 2022).terms[0]).toMatchObject({
      metric: CounterMetric.Intake,
      filter: { cohortYear: 2022 },
      tests: [
        { key: 'pathway', notIn: ['through_2_3'] },
        { key: 'programCode', in: ['460103'] },
      ],
    });
    expect(figureDefinition('enrollment.sector=textiles.graduates', 2022).terms[0]).toMatchObject({
      program: { by: 'sector', key: 'textiles' },
    });
    expect(figureDefinition('placement.region=none.numerator', 2022).terms[0]).toMatchObject({
      metric: CounterMetric.GraduatesByRegion,
      tests: [{ key: 'region', isNull: true }],
    });
    expect(figureDefinition('placement.detail=unrecorded.numerator', 2022).terms.map((t) => t.sign ?? 1)).toEqual([1, -1]);
    expect(figureDefinition('partnerships.year=2020.active', 2022).terms[0]).toMatchObject({ window: { capAt: '2020-12-31' } });
    for (const f of [
      'placement.category=contract.placed', // no such column
      'placement.total.numerator', // the placement report's totals are the overview's graduates
      'enrollment.pathway=regular.graduates', // the report gives no graduates by pathway
      'enrollment.level=.intake',
      'enrollment.=x.intake',
      'enrollment.levels=x.intake',
      'partnerships.year=20x1.signed',
      'partnerships.investment.bonds',
      'alliances.alliance=A1',
      'nothing',
      '',
    ])
      unknown(f);
  });

  it('refuses an unknown field with the closest accepted ones', () => {
    expect(unknown('graduates.plced').closeMatches[0]).toBe('graduates.placed');
    expect(unknown('intake.totl').closeMatches[0]).toBe('intake.total');
    expect(closeMatches('placement.category=contract.placed')[0]).toMatch(/^placement\./);
    expect(closeMatches('x')).toHaveLength(5);
  });

  it('selects the days of a window: in Y runs from 1 January to asOf, or to 31 December when asOf is later', () => {
    expect(windowDays('inYear', 2022, '2022-08-31')).toEqual({ from: '2022-01-01', to: '2022-08-31' });
    expect(windowDays('inYear', 2022, '2023-06-30')).toEqual({ from: '2022-01-01', to: '2022-12-31' });
    expect(windowDays('inYear', 2022, '2021-12-31')).toBeNull();
    expect(windowDays('asOf', 2022, '2021-12-31')).toEqual({ from: null, to: '2021-12-31' });
    expect(windowDays('ever', 2022, '2021-12-31')).toEqual({ from: null, to: null });
    expect(windowDays({ capAt: '2020-12-31' }, 2022, '2022-01-01')).toEqual({ from: null, to: '2020-12-31' });
    expect(windowDays({ capAt: '2020-12-31' }, 2022, '2020-06-01')).toEqual({ from: null, to: '2020-06-01' });
  });
});
