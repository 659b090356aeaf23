/** The large tests (1 GiB streamed through each backend): not in `npm test`, run by CI and `npm run test:large`. */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testTimeout: 600000,
  projects: [
    { ...base.projects[0], displayName: 'large', testMatch: ['<rootDir>/test/large/**/*.spec.ts'] },
  ],
};
