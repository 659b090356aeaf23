import { constants, promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import type { Draft, DriverLock } from '../../core';
import { fsyncDir, isCode, type LocalPaths } from './local-paths';
import { assertHeld } from './local-lock';

/** Positioned read of up to `length` bytes (fewer at the end of the file). */
export async function readAt(
  handle: fs.FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  const filled = await readInto(handle, buffer, 0, position);
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/** Fills `buffer` from `offset` on with the bytes at `position`; the end it reached. */
export async function readInto(
  handle: fs.FileHandle,
  buffer: Buffer,
  offset: number,
  position: number,
): Promise<number> {
  let filled = offset;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(
      buffer,
      filled,
      buffer.length - filled,
      position + filled - offset,
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

export async function writeAt(
  handle: fs.FileHandle,
  position: number,
  data: Buffer,
): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(
      data,
      written,
      data.length - written,
      position + written,
    );
    written += bytesWritten;
  }
}

/** Opens a new hidden temp file beside `target`, recreating the folder if a cleanup removed it. */
export async function createTemp(
  paths: LocalPaths,
  target: string,
): Promise<{ temp: string; handle: fs.FileHandle }> {
  // The folder usually exists: create it only when the open says it is missing.
  for (let attempt = 0; ; attempt++) {
    const temp = paths.tempBeside(target);
    try {
      return { temp, handle: await fs.open(temp, 'wx+') };
    } catch (error) {
      if (!isCode(error, 'ENOENT') || attempt >= 5) throw error;
    }
    await paths.ensureParent(target);
  }
}

/** Makes `temp` the content of `target` atomically: fsync, rename, fsync of the folder. */
export async function publish(
  temp: string,
  target: string,
  durable: boolean,
  lock?: DriverLock,
): Promise<void> {
  if (lock) await assertHeld(lock);
  await fs.rename(temp, target);
  if (durable) await fsyncDir(nodePath.dirname(target));
}

/** The new content of a file, in a hidden temp file beside it until commit renames it over. */
export class LocalDraft implements Draft {
  private length: number;
  private finished = false;

  private constructor(
    private readonly paths: LocalPaths,
    private readonly target: string,
    private readonly temp: string,
    private readonly handle: fs.FileHandle,
    private readonly lock: DriverLock,
    private readonly durable: boolean,
    size: number,
  ) {
    this.length = size;
  }

  static async create(
    paths: LocalPaths,
    target: string,
    lock: DriverLock,
    start: 'empty' | 'current',
    durable: boolean,
  ): Promise<LocalDraft> {
    const { temp, handle } = await createTemp(paths, target);
    try {
      let size = 0;
      if (start === 'current') {
        await handle.close();
        try {
          // A reflink where the file system can, a kernel copy otherwise.
          await fs.copyFile(target, temp, constants.COPYFILE_FICLONE);
        } catch (error) {
          if (!isCode(error, 'ENOENT')) throw error;
        }
        const reopened = await fs.open(temp, 'r+');
        size = (await reopened.stat()).size;
        return new LocalDraft(paths, target, temp, reopened, lock, durable, size);
      }
      return new LocalDraft(paths, target, temp, handle, lock, durable, size);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  get size(): number {
    return this.length;
  }

  read(position: number, length: number): Promise<Buffer> {
    return readAt(this.handle, position, length);
  }

  async write(position: number, data: Buffer): Promise<void> {
    await writeAt(this.handle, position, data);
    this.length = Math.max(this.length, position + data.length);
  }

  async truncate(size: number): Promise<void> {
    await this.handle.truncate(size);
    this.length = size;
  }

  async commit(): Promise<void> {
    if (this.finished) return;
    if (this.durable) await this.handle.sync();
    await this.handle.close();
    this.finished = true;
    try {
      await publish(this.temp, this.target, this.durable, this.lock);
    } catch (error) {
      await fs.unlink(this.temp).catch(() => undefined);
      await this.paths.removeEmptyParents(this.target);
      throw error;
    }
  }

  async discard(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.handle.close().catch(() => undefined);
    await fs.unlink(this.temp).catch(() => undefined);
    await this.paths.removeEmptyParents(this.target);
  }
}
