/**
 * Three projects: `unit` tests the pure core and the CLI without a server; `fuzz` feeds the validator
 * thousands of generated documents (test/fuzz); `integration` runs against one real Temporal dev server that
 * global setup starts (or TEMPORAL_ADDRESS names) and teardown always stops.
 * TypeScript is transpiled only, by SWC (several times faster than ts-jest's compiler); `npm test` runs
 * `tsc --noEmit` for the type check.
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' }, sourceMaps: 'inline' },
  ],
};

// Jest 29 cannot format inline snapshots with Prettier 3: it writes them as they are (npm run format tidies).
const prettierPath = null;

module.exports = {
  // Integration tests wait on real timers and retries; a hang still ends, with the test's name.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      prettierPath,
    },
    {
      displayName: 'fuzz',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'],
      transform,
      prettierPath,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      prettierPath,
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
