import type { BufferPool } from './buffer-pool';

/**
 * Runs uploads (staged blocks, multipart parts) with at most `limit` in flight; the first failure
 * is thrown by the next call. Each upload's buffer goes back to the pool when it is over.
 */
export class Uploads {
  private readonly inFlight = new Set<Promise<void>>();
  private failure?: { error: unknown };

  constructor(
    private readonly limit: number,
    private readonly pool?: BufferPool,
  ) {}

  /**
   * Starts `send(data)`; resolves once another upload may start. `data` goes back to the pool
   * when its upload is over: the caller must not keep it.
   */
  async add(data: Buffer, send: (data: Buffer) => Promise<unknown>): Promise<void> {
    this.check();
    const upload: Promise<void> = send(data)
      .then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => {
        this.inFlight.delete(upload);
        this.pool?.put(data);
      });
    this.inFlight.add(upload);
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.check();
  }

  /** Waits for every upload; throws the first failure. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.check();
  }

  /** Waits for every upload, whatever became of them. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
  }
}
