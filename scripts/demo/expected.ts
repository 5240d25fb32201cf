/** The figures of the source (DESIGN.md §7) the 2022 scenario must reproduce. */
export interface ExpectedFigure {
  /** Dotted path in the overview. */
  field: string;
  /** Which overview: the 2022 one, or the 2021 one (training-base investment). */
  year: 2022 | 2021;
  expected: number | string;
  /** `min`: the figure must be at least `expected`. */
  compare?: 'equal' | 'min';
}

export const AS_OF = '2023-06-20';

export const EXPECTED_FIGURES: ExpectedFigure[] = [
  { field: 'programs.higherVocational', year: 2022, expected: 41 },
  { field: 'programs.undergraduate', year: 2022, expected: 5 },
  { field: 'programs.categories', year: 2022, expected: 15 },
  { field: 'programs.clusters', year: 2022, expected: 5 },
  { field: 'intake.total', year: 2022, expected: 5518 },
  { field: 'intake.undergraduate', year: 2022, expected: 121 },
  { field: 'intake.higherVocational', year: 2022, expected: 5135 },
  { field: 'intake.secondary', year: 2022, expected: 262 },
  { field: 'intake.through23', year: 2022, expected: 253 },
  { field: 'graduates.total', year: 2022, expected: 3292 },
  { field: 'graduates.placed', year: 2022, expected: 3185 },
  { field: 'graduates.localEmployed', year: 2022, expected: 1759 },
  { field: 'graduates.placement.rate', year: 2022, expected: 0.9675 },
  { field: 'internships.students', year: 2022, expected: 6558 },
  { field: 'internships.localStudents', year: 2022, expected: 1724 },
  { field: 'partnerships.enterprises', year: 2022, expected: 453 },
  { field: 'partnerships.schoolEnterpriseSigned', year: 2022, expected: 148 },
  { field: 'partnerships.governmentSchool', year: 2022, expected: 10 },
  { field: 'partnerships.university', year: 2022, expected: 3 },
  { field: 'partnerships.certificatePilots', year: 2022, expected: 23 },
  { field: 'partnerships.certificatePilotEnterprises', year: 2022, expected: 23 },
  { field: 'partnerships.industryColleges', year: 2022, expected: 4 },
  { field: 'partnerships.orderClasses.programs', year: 2022, expected: 7 },
  { field: 'partnerships.orderClasses.students', year: 2022, expected: 120 },
  { field: 'trainingBases.investment', year: 2021, expected: '403000000.00' },
  { field: 'alliances.total', year: 2022, expected: 7 },
  { field: 'alliances.led', year: 2022, expected: 5 },
  { field: 'alliances.forumParticipants', year: 2022, expected: 40, compare: 'min' },
];

export function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}
