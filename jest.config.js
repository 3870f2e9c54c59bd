// One jest run for every package: tests live beside the code (src/**/*.test.ts) and in test/.
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true, resolveJsonModule: true } }],
  },
  moduleNameMapper: { '^@tarmac/core/org$': '<rootDir>/packages/core/src/org', '^@tarmac/(core|guard|cdk|cli|simulate)$': '<rootDir>/packages/$1/src' },
  roots: ['<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/corpus/'],
  testTimeout: 60000,
  // A worker per core (jest's default leaves one to itself): many suites spawn cfn-guard or the CLI and wait on
  // it, so the jest process's own core is mostly idle. A clean CI run on 2 CPUs: 553 s instead of 854 s.
  maxWorkers: '100%',
  // Caches (the loaded catalog) in a directory of the run, not the developer's ~/.cache/tarmac.
  setupFiles: ['<rootDir>/test/jest-env.js'],
  // Some tests spawn the compiled CLI and runners: dist/ is brought up to date with src/ first (a no-op when current).
  globalSetup: '<rootDir>/test/ensure-build.js',
};
