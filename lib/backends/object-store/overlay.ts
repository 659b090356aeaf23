import type { BufferPool } from './buffer-pool';
import { IntervalSet } from './interval-set';
import { Spool } from './spool';
import { Tail } from './tail';

/**
 * The content of an object-store draft: the base version's bytes below `baseLimit`, overlaid by
 * the draft's own writes, zeros elsewhere. The writes are kept in a local spool file (so that they
 * can be read back and sent again), except by a sequential draft, whose bytes live only in the
 * forward tail until they are staged. While the writes run forward from `stageFrom`, the tail
 * holds them in memory, so that full blocks (Azure) or parts (S3) go out without a disk read.
 */
export class Overlay {
  length: number;
  baseLimit: number;
  /** Where the next early block or part starts. */
  stageFrom: number;
  readonly written = new IntervalSet();
  private readonly spool = new Spool();
  /** The content of `[stageFrom, length)` while the writes run forward from there. */
  private tail?: Tail;

  constructor(
    baseSize: number,
    private readonly pool: BufferPool,
    /** False for a sequential draft: no spool. */
    readonly keepsCopy: boolean,
    /** Fills `out` with the base version's bytes from `position`. */
    private readonly readBase: (position: number, out: Buffer) => Promise<void>,
  ) {
    this.length = baseSize;
    this.baseLimit = baseSize;
    this.stageFrom = baseSize;
  }

  async write(position: number, data: Buffer): Promise<void> {
    const end = position + data.length;
    if (this.keepsCopy) await this.spool.write(position, data);
    this.written.add(position, end);
    if (this.tail?.end === position && position === this.length) {
      this.tail.push(data);
    } else if (position === this.length && position === this.stageFrom) {
      this.tail = new Tail(position, this.pool);
      this.tail.push(data);
    } else {
      this.tail = undefined;
    }
    this.length = Math.max(this.length, end);
  }

  async truncate(size: number): Promise<void> {
    if (size !== this.length) this.tail = undefined;
    if (size < this.length) {
      this.written.clip(size);
      this.baseLimit = Math.min(this.baseLimit, size);
      this.stageFrom = Math.min(this.stageFrom, size);
      await this.spool.truncate(size);
    }
    this.length = size;
  }

  /** No more early staging (the early pieces were given up): the rest goes at commit. */
  stopStaging(): void {
    this.stageFrom = Number.POSITIVE_INFINITY;
    this.tail = undefined;
  }

  /**
   * Takes the base's `[start, stageFrom)` into the overlay and staging back to `start`, so that
   * the writes that follow fill it up (a small last block of Azure, a base under S3's smallest part).
   */
  async absorb(start: number): Promise<void> {
    const bytes = await this.content(start, this.stageFrom - start);
    if (this.keepsCopy) await this.spool.write(start, bytes);
    this.written.add(start, start + bytes.length);
    this.stageFrom = start;
    this.tail = new Tail(start, this.pool);
    this.tail.push(bytes);
  }

  /**
   * The next `unit` bytes from `stageFrom` when they are all known (ours, or past the base), and
   * moves `stageFrom` past them; undefined otherwise. The buffer may be the tail's own: the
   * caller hands it on and must not keep it.
   */
  async takeFull(unit: number): Promise<{ start: number; end: number; bytes: Buffer } | undefined> {
    if (!this.fullReady(unit)) return undefined;
    const start = this.stageFrom;
    const end = start + unit;
    const bytes =
      this.tail?.start === start ? this.tail.take(unit) : await this.content(start, unit);
    this.stageFrom = end;
    return { start, end, bytes };
  }

  /** Whether `takeFull(unit)` has bytes to give. */
  fullReady(unit: number): boolean {
    const start = this.stageFrom;
    const end = start + unit;
    if (end > this.length) return false;
    return start >= this.baseLimit || this.written.covers(start, Math.min(end, this.baseLimit));
  }

  /** Base ranges no write touched, below the base limit. */
  untouchedBase(): Array<{ start: number; end: number }> {
    return this.written
      .pieces(0, Math.min(this.baseLimit, this.length))
      .filter((p) => !p.inside)
      .map((p) => ({ start: p.start, end: p.end }));
  }

  /** `length` bytes of the content from `position`. */
  async content(position: number, length: number): Promise<Buffer> {
    const out = Buffer.alloc(length);
    for (const piece of this.written.pieces(position, position + length)) {
      const at = piece.start - position;
      if (piece.inside) {
        const split = Math.min(piece.end, Math.max(piece.start, this.tail?.start ?? piece.end));
        if (split > piece.start) {
          (await this.spool.read(piece.start, split - piece.start)).copy(out, at);
        }
        if (split < piece.end) {
          this.tail!.read(split, out.subarray(split - position, piece.end - position));
        }
      } else if (piece.start < this.baseLimit) {
        const end = Math.min(piece.end, this.baseLimit);
        await this.readBase(piece.start, out.subarray(at, at + end - piece.start));
      }
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.spool.dispose();
  }
}
