/**
 * The repository's Nest module specs against another Nest line (test:compat): NEST_MODULES is a
 * consumer app's node_modules, and every @nestjs import of the specs and of aiofs resolves there.
 */
const path = require('node:path');

const modules = process.env.NEST_MODULES;
if (!modules) throw new Error('Set NEST_MODULES (npm run test:compat sets it)');

module.exports = {
  testEnvironment: 'node',
  rootDir: path.join(__dirname, '..', '..'),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/nest/module.spec.ts', '<rootDir>/test/nest/env.spec.ts'],
  setupFiles: ['<rootDir>/test/compat/nest-version.js'],
  moduleNameMapper: {
    '^@nestjs/(common|core|testing|config|platform-express)(/.*)?$': `${modules}/@nestjs/$1$2`,
  },
  testTimeout: 30000,
};
