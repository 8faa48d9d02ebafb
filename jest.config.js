/**
 * Two projects: `unit` tests the pure DSL core without a server; `integration` runs against one real
 * Temporal dev server that global setup starts (or TEMPORAL_ADDRESS names) and teardown always stops.
 * TypeScript is transpiled only (isolatedModules); `npm test` runs `tsc --noEmit` for the type check.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

module.exports = {
  // Integration tests wait on real timers and retries; a hang still ends, with the test's name.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
