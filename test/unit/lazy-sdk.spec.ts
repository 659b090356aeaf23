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
