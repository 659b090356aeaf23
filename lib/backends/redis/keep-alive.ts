import type { Redis } from 'ioredis';

/** Pushes a key's expiry forward while something still reads it; deletes it at stop(). */
export class KeepAlive {
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    ttlMs: number,
  ) {
    this.timer = setInterval(
      () => void client.pexpire(key, ttlMs).catch(() => undefined),
      Math.max(1, Math.floor(ttlMs / 3)),
    );
    this.timer.unref();
  }

  /** Stops renewing and deletes the key (an unreachable server lets it expire instead). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.client.del(this.key).catch(() => undefined);
  }
}
