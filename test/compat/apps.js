/**
 * The consumer apps of the matrix: one per Nest line, each installed from the packed tarball
 * with a plain `npm install`. Versions are exact so that a run is reproducible; bump them here.
 */
const TYPES_NODE = { '@types/node': '20.19.43' };

module.exports = [
  {
    name: 'nest12-esm',
    type: 'module',
    dependencies: {
      '@nestjs/common': '12.5.1',
      '@nestjs/core': '12.5.1',
      '@nestjs/platform-express': '12.5.1',
      '@nestjs/config': '12.0.1',
      '@nestjs/terminus': '12.1.0',
      ioredis: '6.0.0',
      'reflect-metadata': '0.2.2',
      rxjs: '7.8.2',
    },
    devDependencies: { ...TYPES_NODE, '@types/express': '5.0.6', '@nestjs/testing': '12.1.1' },
    // jest loads ESM-only Nest through require(esm) on Node >= 24.9 with VM modules only.
    nestSpecs: { node: 24, vmModules: true },
  },
  {
    name: 'nest11-cjs',
    type: 'commonjs',
    dependencies: {
      '@nestjs/common': '11.2.10',
      '@nestjs/core': '11.2.10',
      '@nestjs/platform-express': '11.2.10',
      '@nestjs/config': '4.0.4',
      '@nestjs/terminus': '11.1.1',
      ioredis: '5.11.1',
      'reflect-metadata': '0.2.2',
      rxjs: '7.8.2',
    },
    devDependencies: { ...TYPES_NODE, '@types/express': '5.0.6' },
  },
  {
    name: 'nest10-cjs',
    type: 'commonjs',
    dependencies: {
      '@nestjs/common': '10.4.22',
      '@nestjs/core': '10.4.22',
      '@nestjs/platform-express': '10.4.22',
      '@nestjs/config': '3.3.0',
      '@nestjs/terminus': '10.3.0',
      ioredis: '5.11.1',
      'reflect-metadata': '0.2.2',
      rxjs: '7.8.2',
    },
    devDependencies: { ...TYPES_NODE, '@types/express': '4.17.25', '@nestjs/testing': '10.4.22' },
    nestSpecs: { node: 20 },
  },
  {
    // None of the optional peers: aiofs loads, and each missing one is a clear ENOPKG.
    name: 'no-optional-peers',
    type: 'commonjs',
    dependencies: {
      '@nestjs/common': '11.2.10',
      '@nestjs/core': '11.2.10',
      'reflect-metadata': '0.2.2',
      rxjs: '7.8.2',
    },
    devDependencies: {},
    script: 'minimal.cjs',
  },
];
