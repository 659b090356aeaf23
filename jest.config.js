const os = require('node:os');

/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  rootDir: __dirname,
  testTimeout: 30000,
};

// Most suites wait on servers, leases and child processes rather than on the CPU, so they run in
// more workers than jest's default (one less than the cores: a single worker on 2 cores).
const workers = Number(process.env.AIOFS_TEST_WORKERS) || Math.max(3, os.availableParallelism());

module.exports = {
  maxWorkers: workers,
  globalSetup: '<rootDir>/test/servers/global-setup.ts',
  globalTeardown: '<rootDir>/test/servers/global-teardown.ts',
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'conformance',
      testMatch: ['<rootDir>/test/conformance/**/*.spec.ts'],
    },
    { ...common, displayName: 'backends', testMatch: ['<rootDir>/test/backends/**/*.spec.ts'] },
    { ...common, displayName: 'nest', testMatch: ['<rootDir>/test/nest/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'] },
    { ...common, displayName: 'docs', testMatch: ['<rootDir>/test/docs/**/*.spec.ts'] },
  ],
};
