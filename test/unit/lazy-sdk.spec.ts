import { execFileSync } from 'node:child_process';
import * as nodePath from 'node:path';

const ROOT = nodePath.join(__dirname, '..', '..');

/** Loads `code` in a fresh Node process with ts-node and returns what it prints. */
function run(code: string): string {
  return execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: nodePath.join(ROOT, 'tsconfig.json') },
    encoding: 'utf8',
  });
}

describe('SDKs are loaded lazily', () => {
  test("import 'aiofs' loads neither ioredis nor the Azure SDK nor terminus", () => {
    const loaded = run(`
      require('./lib');
      const mods = Object.keys(require.cache).filter((m) => /node_modules\\/(ioredis|@azure|@nestjs\\/terminus|@nestjs\\/config)\\//.test(m));
      console.log(JSON.stringify(mods));
    `);
    expect(JSON.parse(loaded)).toEqual([]);
  });

  test('a memory file system works without them too', () => {
    const out = run(`
      const { createFileSystem } = require('./lib');
      createFileSystem('memory://').then(async (fs) => {
        await fs.writeFile('a', 'b');
        console.log((await fs.readFile('a')).toString());
        console.log(Object.keys(require.cache).some((m) => /node_modules\\/(ioredis|@azure)\\//.test(m)));
      });
    `);
    expect(out.trim().split('\n')).toEqual(['b', 'false']);
  });
});

describe('aiofs/health without @nestjs/terminus installed', () => {
  test('importing it says which package to install (ENOPKG); aiofs itself still loads', () => {
    // A fresh process where @nestjs/terminus cannot be found, as when it is not installed.
    const out = run(`
      const Module = require('module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === '@nestjs/terminus' || request.startsWith('@nestjs/terminus/')) {
          const error = new Error("Cannot find module '" + request + "'");
          error.code = 'MODULE_NOT_FOUND';
          throw error;
        }
        return resolve.call(this, request, ...rest);
      };
      const { FileSystemError } = require('./lib');
      try {
        require('./lib/health');
        console.log('loaded');
      } catch (error) {
        console.log(JSON.stringify({
          code: error.code,
          message: error.message,
          typed: error instanceof FileSystemError,
          cause: error.cause && error.cause.code,
        }));
      }
    `);
    expect(JSON.parse(out)).toEqual({
      code: 'ENOPKG',
      message: 'aiofs/health needs the package @nestjs/terminus: npm install @nestjs/terminus',
      typed: true,
      cause: 'MODULE_NOT_FOUND',
    });
  });
});
