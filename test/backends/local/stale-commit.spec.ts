import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, open, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { BlockingIOError, createFileSystem, type FileLikeSystem } from '../../../lib';
import { sleep } from '../../conformance/expect-error';
import { ChildFs } from '../../support/child-fs';
import { recordFigure } from '../../support/figures';

/*
 * A (this process) appends 'a' to a shared file with a short lease; B (another process) appends
 * 'b' in a loop. Each round, A's libuv thread pool is stalled between its lease check and its
 * rename: every thread is held by a blocking open() of a FIFO nobody writes to, one is let go just
 * long enough to run the call before A's check (the temp file's close), and A's rename then waits
 * in the queue while A's lease runs out and B breaks the lock and commits. Then the pool is let
 * go. Every append that reported success must be in the file exactly once: A's late rename must
 * not land over B's commits, and A's close() must fail with BlockingIOError instead.
 */

const ROUNDS = Number(process.env.ROUNDS ?? 4);
const TTL_MS = 1500;
const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

let base: string;
let fs: FileLikeSystem;
let child: ChildFs;

beforeEach(async () => {
  base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-stale-'));
  const root = nodePath.join(base, 'root');
  fs = await createFileSystem({ backend: 'local', root, lockTtlMs: TTL_MS, durable: false });
  await fs.writeFile('counter.txt', '');
  child = await ChildFs.start({ backend: 'local', root, lockTtlMs: TTL_MS, durable: false });
});

afterEach(async () => {
  await child.exit();
  await fs.close();
  rmSync(base, { recursive: true, force: true });
});

/** A thread of the pool held by a blocking open of a FIFO, until `release()`. */
class Blocker {
  private readonly opened: Promise<number>;

  constructor(private readonly fifo: string) {
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
    // Waits, on a pool thread, for a writer.
    this.opened = new Promise((resolve, reject) =>
      open(fifo, 'r', (error, fd) => (error ? reject(error) : resolve(fd))),
    );
  }

  /** Lets the thread go; closes synchronously, as the pool may still be held by the others. */
  async release(): Promise<void> {
    const writer = openSync(this.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    closeSync(await this.opened);
    closeSync(writer);
  }
}

test(
  "a rename stalled in the thread pool past its lease never lands over the next holder's commit",
  async () => {
    const a = { ok: 0, lost: 0, other: [] as string[] };
    const b = { ok: 0, failed: 0, committedAt: [] as number[] };
    let stop = false;

    const loopB = (async () => {
      while (!stop) {
        try {
          await child.open('counter.txt', 'a', 10_000);
          await child.write('b');
          await child.close();
          b.ok++;
          b.committedAt.push(Date.now());
        } catch {
          b.failed++; // refused or lost: then it committed nothing, which the count checks
        }
        await sleep(20);
      }
    })();

    try {
      for (let round = 0; round < ROUNDS; round++) {
        const handle = await fs.open('counter.txt', 'a', { lockTimeoutMs: 10_000 });
        await handle.write('a');
        const blockers = Array.from(
          { length: POOL_SIZE },
          (_, i) => new Blocker(nodePath.join(base, `fifo-${round}-${i}`)),
        );
        await sleep(50); // every thread is now waiting in open()
        const closing = handle.close().then(
          () => void a.ok++,
          (error) => {
            if (error instanceof BlockingIOError) a.lost++;
            else a.other.push(String(error));
          },
        );
        await sleep(50); // its temp file's close() is queued
        blockers.push(new Blocker(nodePath.join(base, `fifo-${round}-extra`)));
        await sleep(20);
        // One thread runs that close() and then the extra blocker; A's check passes, and its
        // rename waits behind the blockers.
        const stalledAt = Date.now();
        await blockers.shift()!.release();
        // Until B has committed after A's lease ran out (TTL + the 0.5 s grace, and a margin).
        const breakable = stalledAt + TTL_MS + 600;
        const waitUntil = Date.now() + 15_000;
        while (!b.committedAt.some((t) => t > breakable) && Date.now() < waitUntil) await sleep(50);
        await Promise.all(blockers.map((blocker) => blocker.release()));
        await closing;
      }
    } finally {
      stop = true;
      await loopB;
    }

    const final = (await fs.readFile('counter.txt')).toString();
    const seen = { a: final.split('a').length - 1, b: final.split('b').length - 1 };
    recordFigure(
      `A: ${a.ok} committed, ${a.lost} refused with BlockingIOError; B: ${b.ok} committed, ${b.failed} refused; file: ${final.length} appends`,
    );
    expect(a.other).toEqual([]);
    // Every reported commit is in the file, once: no lost update, no commit reported in vain.
    expect(seen).toEqual({ a: a.ok, b: b.ok });
    // Each round, A's lease ran out with its rename queued, and B committed meanwhile.
    expect(a.lost).toBe(ROUNDS);
    expect(b.committedAt.length).toBeGreaterThanOrEqual(ROUNDS);
  },
  ROUNDS * 20_000 + 30_000,
);
