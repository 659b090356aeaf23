import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  lstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  utimesSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import {
  BlockingIOError,
  createFileSystem,
  FileNotFoundError,
  type FileLikeSystem,
} from '../../../lib';
import { caught } from '../../conformance/expect-error';

/*
 * A FIFO (or a socket) at a path: every call must treat it as the read paths do (missing) and
 * never start a call that waits on it. A call that hangs is failed by a watchdog, which then
 * opens the FIFO's other end so that the stuck call (and the test run) can finish.
 */

const WATCHDOG_MS = 10_000;

let base: string;
let root: string;
let fs: FileLikeSystem;
const servers: Server[] = [];

beforeEach(async () => {
  base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-special-'));
  root = nodePath.join(base, 'root');
  fs = await createFileSystem({ backend: 'local', root });
});

afterEach(async () => {
  await fs.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(base, { recursive: true, force: true });
});

function mkfifo(path: string): string {
  const absolute = nodePath.join(root, path);
  const made = spawnSync('mkfifo', [absolute]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  return absolute;
}

async function socketAt(path: string): Promise<string> {
  const absolute = nodePath.join(root, path);
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(absolute, resolve));
  return absolute;
}

/** Opens both ends of `fifo` without waiting, which lets a call stuck opening it go on. */
function unblock(fifo: string): void {
  for (const flags of [constants.O_WRONLY, constants.O_RDONLY]) {
    try {
      closeSync(openSync(fifo, flags | constants.O_NONBLOCK));
    } catch {
      // no one waiting on that end, or it is gone
    }
  }
}

/** `action`, failed (and its FIFO unblocked) if it has not settled within the watchdog's time. */
async function watched<T>(fifo: string, action: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      unblock(fifo);
      reject(new Error(`hung for ${WATCHDOG_MS} ms: a call waited on the FIFO`));
    }, WATCHDOG_MS);
  });
  try {
    return await Promise.race([action(), hung]);
  } finally {
    clearTimeout(timer);
  }
}

const writeAll = async (fs: FileLikeSystem, path: string, mode: 'a' | 'a+', data: string) => {
  const f = await fs.open(path, mode);
  const before = mode === 'a+' ? (await f.read()).toString() : '';
  await f.write(data);
  await f.close();
  return before;
};

describe.each(['FIFO', 'socket'])('a %s at a path', (kind) => {
  let special: string;
  beforeEach(async () => {
    special = kind === 'FIFO' ? mkfifo('p') : await socketAt('p');
  });

  test('reads as missing: readFile, stat, exists, open r, read stream', async () => {
    await watched(special, async () => {
      expect(await caught(fs.readFile('p'))).toBeInstanceOf(FileNotFoundError);
      expect(await caught(fs.stat('p'))).toBeInstanceOf(FileNotFoundError);
      expect(await fs.exists('p')).toBe(false);
      expect(await caught(fs.open('p'))).toBeInstanceOf(FileNotFoundError);
      expect(await caught(fs.openReadStream('p'))).toBeInstanceOf(FileNotFoundError);
    });
  });

  test('r+ is FileNotFoundError, like a missing file, and the entry stays', async () => {
    expect(await watched(special, () => caught(fs.open('p', 'r+')))).toBeInstanceOf(
      FileNotFoundError,
    );
    expect(lstatSync(special).isFile()).toBe(false);
  });

  test.each(['a', 'a+'] as const)(
    '%s starts empty, as on a missing file, and its commit puts a regular file there',
    async (mode) => {
      expect(await watched(special, () => writeAll(fs, 'p', mode, 'appended'))).toBe('');
      expect(lstatSync(special).isFile()).toBe(true);
      expect(readFileSync(special, 'utf8')).toBe('appended');
    },
  );

  test("openWriteStream({ mode: 'a' }) starts empty and commits a regular file", async () => {
    await watched(special, async () => {
      const stream = await fs.openWriteStream('p', { mode: 'a' });
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.end('streamed', resolve);
      });
    });
    expect(readFileSync(special, 'utf8')).toBe('streamed');
  });

  test('cp and mv from it are FileNotFoundError and change nothing', async () => {
    await watched(special, async () => {
      expect(await caught(fs.cp('p', 'copy'))).toBeInstanceOf(FileNotFoundError);
      expect(await caught(fs.mv('p', 'moved'))).toBeInstanceOf(FileNotFoundError);
    });
    expect(lstatSync(special).isFile()).toBe(false);
    expect(await fs.ls()).toEqual([]);
  });
});

test('a FIFO where a lock entry should be is an unreadable entry: held for 30 s, then broken', async () => {
  const name = createHash('sha256').update('locked.txt').digest('hex');
  const entry = mkfifo(`.aiofs-lock-${name}`);
  expect(await watched(entry, () => caught(fs.writeFile('locked.txt', 'x')))).toBeInstanceOf(
    BlockingIOError,
  );
  const old = (Date.now() - 31_000) / 1000;
  utimesSync(entry, old, old);
  await watched(entry, () => fs.writeFile('locked.txt', 'written'));
  expect(readFileSync(nodePath.join(root, 'locked.txt'), 'utf8')).toBe('written');
});
