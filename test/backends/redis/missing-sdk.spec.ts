import { execFileSync } from 'node:child_process';
import * as nodePath from 'node:path';

const ROOT = nodePath.join(__dirname, '..', '..', '..');

describe('redis without ioredis installed', () => {
  test('createFileSystem says which package to install, after checking the options', () => {
    // A fresh process where require('ioredis') fails as it does when the package is missing.
    const out = execFileSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-e',
        `
        const Module = require('module');
        const resolve = Module._resolveFilename;
        Module._resolveFilename = function (request, ...rest) {
          if (request === 'ioredis') {
            const error = new Error("Cannot find module 'ioredis'");
            error.code = 'MODULE_NOT_FOUND';
            throw error;
          }
          return resolve.call(this, request, ...rest);
        };
        const { createFileSystem } = require('./lib');
        (async () => {
          for (const options of [
            { backend: 'redis', url: 'redis://127.0.0.1:9' },
            'redis://127.0.0.1:9/0?keyPrefix=app:',
            { backend: 'redis', url: 'redis://127.0.0.1:9', keyPrefix: 'a{b}' },
          ]) {
            const error = await createFileSystem(options).then(() => undefined, (e) => e);
            console.log(JSON.stringify({ code: error.code, message: error.message }));
          }
        })();
        `,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: nodePath.join(ROOT, 'tsconfig.json') },
        encoding: 'utf8',
      },
    );
    const [fromOptions, fromUrl, badOptions] = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const expected = {
      code: 'ENOPKG',
      message: "Backend 'redis' needs the package ioredis: npm install ioredis",
    };
    expect(fromOptions).toEqual(expected);
    expect(fromUrl).toEqual(expected);
    expect(badOptions.code).toBe('EINVAL');
  });
});
