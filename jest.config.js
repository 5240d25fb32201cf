// Projects: unit (*.spec.ts, no services), integration (*.int-spec.ts) and end-to-end
// (*.e2e-spec.ts), both against real PostgreSQL and RabbitMQ (see libs/testing); and cluster
// (*.cluster-spec.ts), run only by `npm run test:cluster`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const ESM_PACKAGES = [
  '@nestjs',
  '@isaacs',
  '@tokenizer',
  '@borewit',
  'glob',
  'minimatch',
  'path-scurry',
  'lru-cache',
  'minipass',
  'jackspeak',
  'foreground-child',
  'package-json-from-dist',
  'brace-expansion',
  'balanced-match',
  'content-disposition',
  'cookie',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  'set-cookie-parser',
  'toad-cache',
  'load-esm',
  'uid',
].map((p) => p.replace('/', '\\/'));
const moduleNameMapper = {
  '^@chanjiao/test-support$': '<rootDir>/test/support',
  '^@chanjiao/(contracts|domain|config|persistence|messaging|auth|write|edge|imports|testing)$': '<rootDir>/libs/$1/src',
};
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // Nest 12 ships ES modules; they are compiled to CommonJS for Jest like our own sources.
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swc },
  // Some of their dependencies are ES modules too (glob, content-disposition, file-type, …).
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
module.exports = {
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/**/*.int-spec.ts'], slowTestThreshold: 30 },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/**/*.e2e-spec.ts'], slowTestThreshold: 60 },
    // `npm run test:chaos` only: it stops and starts this machine's PostgreSQL and RabbitMQ (test/chaos).
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/*.chaos-spec.ts'], slowTestThreshold: 300 },
    // `npm run test:cluster` only: it starts three RabbitMQ nodes of its own (test/cluster).
    { ...common, displayName: 'cluster', testMatch: ['<rootDir>/test/cluster/*.cluster-spec.ts'], slowTestThreshold: 120 },
  ],
  testTimeout: 60_000,
};
