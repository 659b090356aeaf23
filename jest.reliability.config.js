/**
 * The reliability and security suite (test/reliability, docs/reliability.md): not in `npm test`.
 * `npm run test:reliability` runs it at full counts; CI runs it with AIOFS_RELIABILITY_SCALE=ci.
 * One file at a time: the scenarios start many processes and time their recoveries.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  globalSetup: '<rootDir>/test/reliability/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/reliability/setup/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 600000,
  projects: [
    {
      ...base.projects[0],
      displayName: 'reliability',
      testMatch: ['<rootDir>/test/reliability/**/*.spec.ts'],
    },
  ],
};
