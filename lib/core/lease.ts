import type { DriverLock } from './driver';

/**
 * Keeps a driver lock alive: renews it every third of its TTL while the holder works.
 * The lease counts as lost as soon as a renewal is refused, or when no renewal has
 * succeeded for a whole TTL (the event loop was blocked, the backend was unreachable):
 * from then on another writer may hold the path, so the holder must not commit.
 */
export class Lease {
  private renewedAt: number;
  private refused = false;
  private released = false;
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;

  constructor(
    readonly lock: DriverLock,
    readonly ttlMs: number,
    acquiredAt: number,
  ) {
    this.renewedAt = acquiredAt;
    this.schedule();
  }

  get path(): string {
    return this.lock.path;
  }

  get lost(): boolean {
    return this.refused || Date.now() - this.renewedAt >= this.ttlMs;
  }

  /** Waits for a renewal in flight, so that `lost` reflects it. */
  async settle(): Promise<void> {
    await this.renewing;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.timer);
    await this.renewing;
    // Release compares the token, so it is safe even when lost; an unreachable backend
    // lets the lock expire by itself within one TTL.
    await this.lock.release().catch(() => undefined);
  }

  private schedule(): void {
    if (this.released || this.refused) return;
    this.timer = setTimeout(
      () => {
        this.renewing = this.renew().finally(() => {
          this.renewing = undefined;
          this.schedule();
        });
      },
      Math.max(1, Math.floor(this.ttlMs / 3)),
    );
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (this.released || this.lost) {
      this.refused = this.refused || this.lost;
      return;
    }
    const started = Date.now();
    try {
      if (await this.lock.renew()) this.renewedAt = started;
      else this.refused = true;
    } catch {
      // Unreachable backend: keep trying; `lost` turns true once a TTL has passed.
    }
  }
}
