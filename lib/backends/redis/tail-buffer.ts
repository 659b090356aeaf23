/**
 * The bytes of a draft not yet sent to the server: one buffer, grown by doubling, reused after
 * each flush, so that a stream of small writes costs one copy each and no garbage.
 */
export class TailBuffer {
  private bytes = Buffer.alloc(0);
  private used = 0;

  get length(): number {
    return this.used;
  }

  /** A view of the content; valid until the next change. */
  content(): Buffer {
    return this.bytes.subarray(0, this.used);
  }

  append(data: Buffer): void {
    this.reserve(this.used + data.length);
    data.copy(this.bytes, this.used);
    this.used += data.length;
  }

  /** Cuts or zero-extends the content to `length` bytes; returns it, writable. */
  resize(length: number): Buffer {
    this.reserve(length);
    if (length > this.used) this.bytes.fill(0, this.used, length);
    this.used = length;
    return this.content();
  }

  clear(): void {
    this.used = 0;
  }

  /** Lets go of the memory. */
  release(): void {
    this.bytes = Buffer.alloc(0);
    this.used = 0;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.bytes.length) return;
    const next = Buffer.allocUnsafe(Math.max(capacity, this.bytes.length * 2, 4096));
    this.bytes.copy(next, 0, 0, this.used);
    this.bytes = next;
  }
}
