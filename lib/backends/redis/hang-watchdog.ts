import type { Redis } from 'ioredis';

/**
 * Notices a server that stopped answering without closing the connection (a hung process, a
 * network partition) with one timer per file system: every quarter of `timeoutMs` it looks at
 * the oldest command waiting for a reply on each connection, and when the same one has waited
 * `timeoutMs`, fails it and closes that connection, which fails what else waits there and
 * reconnects. ioredis's `commandTimeout` does this with a timer per command, which costs a local
 * GET about a fifth of its time.
 */
export class HangWatchdog {
  private readonly waiting = new Map<Redis, { head: unknown; since: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly connections: () => Redis[],
    private readonly timeoutMs: number,
  ) {
    this.timer = setInterval(() => this.check(), Math.max(10, Math.floor(timeoutMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.waiting.clear();
  }

  private check(): void {
    const now = Date.now();
    for (const node of this.connections()) {
      const head = node.commandQueue.length > 0 ? node.commandQueue.peekFront() : undefined;
      const seen = this.waiting.get(node);
      if (head === undefined) {
        this.waiting.delete(node);
      } else if (seen?.head !== head) {
        this.waiting.set(node, { head, since: now });
      } else if (now - seen.since >= this.timeoutMs) {
        this.waiting.delete(node);
        head.command.reject(new Error(`Command timed out: no reply in ${this.timeoutMs} ms`));
        node.stream?.destroy();
      }
    }
  }
}
