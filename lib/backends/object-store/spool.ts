import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { readInto, writeAt } from '../positioned-io';

/**
 * A private temp file (in os.tmpdir) holding a draft's own writes at their positions, so that a
 * handle can read them back and re-stage any block it overwrote. Created at the first write.
 */
export class Spool {
  private handle?: fs.FileHandle;
  private file?: string;
  private opening?: Promise<fs.FileHandle>;

  async write(position: number, data: Buffer): Promise<void> {
    await writeAt(await this.open(), position, data);
  }

  /** Exactly `length` bytes; what was never written reads as zeros. */
  async read(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    if (this.handle) await readInto(this.handle, buffer, 0, position);
    return buffer;
  }

  async truncate(size: number): Promise<void> {
    await this.handle?.truncate(size);
  }

  async dispose(): Promise<void> {
    const handle = this.handle ?? (await this.opening?.catch(() => undefined));
    this.handle = undefined;
    this.opening = undefined;
    await handle?.close().catch(() => undefined);
    if (this.file) await fs.unlink(this.file).catch(() => undefined);
    this.file = undefined;
  }

  private open(): Promise<fs.FileHandle> {
    if (this.handle) return Promise.resolve(this.handle);
    this.opening ??= (async () => {
      this.file = nodePath.join(tmpdir(), `aiofs-draft-${randomBytes(12).toString('hex')}`);
      this.handle = await fs.open(this.file, 'wx+', 0o600);
      return this.handle;
    })();
    return this.opening;
  }
}
