import type { DriverFileSystem, DriverLock, FileLikeSystem } from '../../../lib';

/** One call of the driver's `lock` in the test process: when it was sent, answered, and got. */
export interface LockAttempt {
  start: number;
  end: number;
  got: boolean;
}

/**
 * Records every lock attempt the file system's waiter makes, per path (the facade's own waiting
 * loop, as an application gets it, runs unchanged). An attempt refused at `start` proves that the
 * server still held the lock at some time after `start`.
 */
export class LockAttempts {
  private readonly byPath = new Map<string, LockAttempt[]>();

  constructor(fs: FileLikeSystem) {
    const driver = (fs as DriverFileSystem).driver;
    const lock = driver.lock.bind(driver);
    driver.lock = async (path: string, ttlMs: number): Promise<DriverLock | undefined> => {
      const start = Date.now();
      const got = await lock(path, ttlMs);
      this.list(path).push({ start, end: Date.now(), got: got !== undefined });
      return got;
    };
  }

  /** The attempts on `path` since the last take(), which forgets them. */
  take(path: string): LockAttempt[] {
    const attempts = this.list(path);
    this.byPath.set(path, []);
    return attempts;
  }

  private list(path: string): LockAttempt[] {
    let attempts = this.byPath.get(path);
    if (!attempts) this.byPath.set(path, (attempts = []));
    return attempts;
  }
}

/** A tick this late after the one before means the event loop was blocked (GC, fork, no CPU). */
const BLOCKED_GAP_MS = 50;

/**
 * When this process's event loop was blocked: a 5 ms interval timer whose ticks come more than
 * 50 ms apart. `blockedMs(a, b)` is how much of [a, b] fell in such gaps: time in which no timer,
 * reply or lock attempt of this process could run.
 */
export class StallClock {
  private readonly ticks: number[] = [Date.now()];
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      this.ticks.push(Date.now());
      if (this.ticks.length > 400_000) this.ticks.splice(0, 200_000);
    }, 5);
  }

  blockedMs(from: number, to: number): number {
    let blocked = 0;
    for (let i = this.firstTickAfter(from); i < this.ticks.length; i++) {
      const before = this.ticks[i - 1];
      if (before >= to) break;
      if (this.ticks[i] - before > BLOCKED_GAP_MS) {
        blocked += Math.max(0, Math.min(this.ticks[i], to) - Math.max(before + 5, from));
      }
    }
    return blocked;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The index of the first tick after `time` (at least 1), by binary search. */
  private firstTickAfter(time: number): number {
    let low = 1;
    let high = this.ticks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.ticks[mid] <= time) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
