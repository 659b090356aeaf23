import { execFileSync } from 'node:child_process';
import * as nodePath from 'node:path';

const ROOT = nodePath.join(__dirname, '..', '..', '..');

describe('s3 without @aws-sdk/client-s3 installed', () => {
  test('createFileSystem says which package to install, after checking the options', () => {
    // A fresh process where require('@aws-sdk/client-s3') fails as it does when it is missing.
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
          if (request === '@aws-sdk/client-s3') {
            const error = new Error("Cannot find module '@aws-sdk/client-s3'");
            error.code = 'MODULE_NOT_FOUND';
            throw error;
          }
          return resolve.call(this, request, ...rest);
        };
        const { createFileSystem } = require('./lib');
        (async () => {
          for (const options of ['s3://my-bucket', { backend: 's3', bucket: 'Bad Bucket' }]) {
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
    const [missing, badOptions] = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(missing).toEqual({
      code: 'ENOPKG',
      message: "Backend 's3' needs the package @aws-sdk/client-s3: npm install @aws-sdk/client-s3",
    });
    expect(badOptions.code).toBe('EINVAL');
  });
});
