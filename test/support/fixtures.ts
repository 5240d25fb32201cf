/** The program and first student of the examples in README and DESIGN.md, used by the end-to-end tests. */
export const PETROCHEMICAL_PROGRAM = {
  name: '石油化工技术',
  category: '47',
  cluster: '石油石化',
  level: 'higher_vocational',
  sectors: ['chemical_materials'],
  status: 'open',
} as const;

export const FIRST_ENROLLMENT = {
  studentId: '2022001',
  programCode: '460103',
  cohortYear: 2022,
  level: 'higher_vocational',
  pathway: 'regular',
} as const;
