import { execFileSync } from 'node:child_process';
import * as nodePath from 'node:path';

const ROOT = nodePath.join(__dirname, '..', '..', '..');

describe('azure without @azure/storage-blob installed', () => {
  test('createFileSystem says which package to install, after checking the options', () => {
    // A fresh process where require('@azure/storage-blob') fails as it does when it is missing.
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
          if (request === '@azure/storage-blob') {
            const error = new Error("Cannot find module '@azure/storage-blob'");
            error.code = 'MODULE_NOT_FOUND';
            throw error;
          }
          return resolve.call(this, request, ...rest);
        };
        const { createFileSystem } = require('./lib');
        (async () => {
          for (const options of [
            { backend: 'azure', connectionString: 'UseDevelopmentStorage=true', container: 'files' },
            { backend: 'azure', container: 'files' },
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
    const [missing, badOptions] = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(missing).toEqual({
      code: 'ENOPKG',
      message:
        "Backend 'azure' needs the package @azure/storage-blob: npm install @azure/storage-blob",
    });
    expect(badOptions.code).toBe('EINVAL');
  });
});
