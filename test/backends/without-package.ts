import { execFileSync } from 'node:child_process';
import * as nodePath from 'node:path';

const ROOT = nodePath.join(__dirname, '..', '..');

/**
 * The code and message of what `createFileSystem(options)` rejects with, for each of `options`, in
 * a fresh process where `require(pkg)` fails as it does when the package is missing.
 */
export function createWithoutPackage(
  pkg: string,
  options: unknown[],
): Array<{ code: string; message: string }> {
  const out = execFileSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-e',
      `
      const Module = require('module');
      const resolve = Module._resolveFilename;
      const missing = ${JSON.stringify(pkg)};
      Module._resolveFilename = function (request, ...rest) {
        if (request === missing) {
          const error = new Error("Cannot find module '" + missing + "'");
          error.code = 'MODULE_NOT_FOUND';
          throw error;
        }
        return resolve.call(this, request, ...rest);
      };
      const { createFileSystem } = require('./lib');
      (async () => {
        for (const options of ${JSON.stringify(options)}) {
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
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { code: string; message: string });
}
