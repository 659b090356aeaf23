/**
 * The bytes a draft wrote in order from `start` that are not staged yet, kept in memory until
 * they fill a block: a forward stream is staged from here, never read back from disk.
 */
export class Tail {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private first: number) {}

  get start(): number {
    return this.first;
  }

  get end(): number {
    return this.first + this.bytes;
  }

  /** Appends a copy of `data` (the caller may reuse its buffer). */
  push(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(Buffer.from(data));
    this.bytes += data.length;
  }

  /** Removes and returns the first `length` bytes. */
  take(length: number): Buffer {
    const out = this.copy(0, length);
    let left = length;
    while (left > 0) {
      const head = this.chunks[0];
      if (head.length <= left) {
        this.chunks.shift();
        left -= head.length;
      } else {
        this.chunks[0] = head.subarray(left);
        left = 0;
      }
    }
    this.first += length;
    this.bytes -= length;
    return out;
  }

  /** Copies `[position, position + out.length)` (inside the tail) into `out`. */
  read(position: number, out: Buffer): void {
    this.copy(position - this.first, out.length).copy(out);
  }

  private copy(offset: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let skip = offset;
    let at = 0;
    for (const chunk of this.chunks) {
      if (at >= length) break;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      at += chunk.copy(out, at, skip, Math.min(chunk.length, skip + length - at));
      skip = 0;
    }
    return out;
  }
}
