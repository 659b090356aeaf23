import type { BufferPool } from './buffer-pool';

/**
 * The bytes a draft wrote in order from `start` that are not staged yet, kept in memory until
 * they fill a block: a forward stream is staged from here, never read back from disk. Writes are
 * copied once, into block-sized buffers that are handed on whole when full.
 */
export class Tail {
  private buffers: Buffer[] = [];
  /** Bytes of `buffers[0]` already taken. */
  private skip = 0;
  private bytes = 0;

  private readonly blockBytes: number;

  constructor(
    private first: number,
    private readonly pool: BufferPool,
  ) {
    this.blockBytes = pool.size;
  }

  get start(): number {
    return this.first;
  }

  get end(): number {
    return this.first + this.bytes;
  }

  /** Appends a copy of `data` (the caller may reuse its buffer). */
  push(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      const end = this.skip + this.bytes;
      if (end === this.buffers.length * this.blockBytes) {
        this.buffers.push(this.pool.get());
      }
      const filled = end - (this.buffers.length - 1) * this.blockBytes;
      const last = this.buffers[this.buffers.length - 1];
      const n = data.copy(last, filled, at, Math.min(data.length, at + this.blockBytes - filled));
      at += n;
      this.bytes += n;
    }
  }

  /** Removes and returns the first `length` bytes (a whole buffer, uncopied, when it can). */
  take(length: number): Buffer {
    const out =
      this.skip === 0 && length === this.blockBytes && this.bytes >= length
        ? this.buffers[0]
        : this.copy(0, length);
    this.skip += length;
    this.bytes -= length;
    while (this.buffers.length > 0 && this.skip >= this.blockBytes) {
      this.buffers.shift();
      this.skip -= this.blockBytes;
    }
    this.first += length;
    return out;
  }

  /** Copies `[position, position + out.length)` (inside the tail) into `out`. */
  read(position: number, out: Buffer): void {
    this.copy(position - this.first, out.length).copy(out);
  }

  private copy(offset: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let from = this.skip + offset;
    let at = 0;
    for (let i = Math.floor(from / this.blockBytes); at < length; i++) {
      const inner = from - i * this.blockBytes;
      const n = this.buffers[i].copy(
        out,
        at,
        inner,
        Math.min(this.blockBytes, inner + length - at),
      );
      at += n;
      from += n;
    }
    return out;
  }
}
