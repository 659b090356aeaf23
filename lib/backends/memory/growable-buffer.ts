/** A byte array that grows by doubling, for drafts built by many small writes. */
export class GrowableBuffer {
  private bytes: Buffer;
  private length: number;

  constructor(initial: Buffer = Buffer.alloc(0)) {
    this.bytes = Buffer.allocUnsafe(Math.max(64, initial.length));
    initial.copy(this.bytes);
    this.length = initial.length;
  }

  get size(): number {
    return this.length;
  }

  read(position: number, length: number): Buffer {
    const end = Math.min(this.length, position + length);
    return Buffer.from(this.bytes.subarray(Math.min(position, end), end));
  }

  write(position: number, data: Buffer): void {
    const end = position + data.length;
    this.reserve(end);
    if (position > this.length) this.bytes.fill(0, this.length, position);
    data.copy(this.bytes, position);
    this.length = Math.max(this.length, end);
  }

  truncate(size: number): void {
    this.reserve(size);
    if (size > this.length) this.bytes.fill(0, this.length, size);
    this.length = size;
  }

  /** A copy of exactly the content. */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }

  private reserve(capacity: number): void {
    if (capacity <= this.bytes.length) return;
    const next = Buffer.allocUnsafe(Math.max(capacity, this.bytes.length * 2));
    this.bytes.copy(next, 0, 0, this.length);
    this.bytes = next;
  }
}
