/**
 * The Nest module's tests against Nest 10 (the other end of the peer range `^10 || ^11`).
 * NEST10_MODULES is a node_modules folder holding Nest 10 (see nest10.sh); every @nestjs import
 * of the tests and of aiofs resolves there.
 */
const path = require('node:path');

const modules = process.env.NEST10_MODULES;
if (!modules) throw new Error('Set NEST10_MODULES (run test/compat/nest10.sh)');

module.exports = {
  testEnvironment: 'node',
  rootDir: path.join(__dirname, '..', '..'),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/nest/module.spec.ts', '<rootDir>/test/nest/env.spec.ts'],
  moduleNameMapper: {
    '^@nestjs/(common|core|testing|config|platform-express)(/.*)?$': `${modules}/@nestjs/$1$2`,
  },
  testTimeout: 30000,
};
