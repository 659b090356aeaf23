import { constants, promises as fs } from 'node:fs';
import { lockLostError, type Draft } from '../../core';
import { readAt, writeAt } from '../positioned-io';
import { copyInto } from './copy-into';
import type { HeldFolder } from './held-folder';
import { assertHeld, type LocalLock } from './local-lock';
import { isCode, type Place } from './local-paths';

/** A new file, created here or not at all: `O_EXCL` never follows a symlink at the name. */
const CREATE_FLAGS = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;

/** Opens `name` in `folder` for writing, creating it; never through a symlink. */
export function createExclusive(folder: HeldFolder, name: string): Promise<fs.FileHandle> {
  return fs.open(folder.at(name), CREATE_FLAGS, 0o666);
}

/**
 * Makes the lock's temp file the content of its file atomically: rename, fsync of the folder.
 * The temp file is gone when the lock was broken (see `tempFor`): then nothing is committed,
 * even if the rename had been waiting for a thread since the lease was checked.
 */
export async function publish(lock: LocalLock, durable: boolean): Promise<void> {
  await assertHeld(lock);
  const { folder, name } = lock.place;
  try {
    await fs.rename(folder.at(lock.temp), folder.at(name));
  } catch (error) {
    if (isCode(error, 'ENOENT')) throw lockLostError(lock.path);
    throw error;
  }
  if (durable) await folder.sync();
}

/** The new content of a file, in a hidden temp file beside it until commit renames it over. */
export class LocalDraft implements Draft {
  private length: number;
  private finished = false;

  private constructor(
    private readonly place: Place,
    private readonly temp: string,
    private readonly handle: fs.FileHandle,
    private readonly lock: LocalLock,
    private readonly durable: boolean,
    size: number,
  ) {
    this.length = size;
  }

  /** A draft beside the file the lock holds; from a copy of `source` (open, regular) if given. */
  static async create(
    lock: LocalLock,
    source: fs.FileHandle | undefined,
    durable: boolean,
  ): Promise<LocalDraft> {
    const { place } = lock;
    const temp = lock.temp;
    const handle = source
      ? await copyInto(source, place.folder, temp)
      : await createExclusive(place.folder, temp);
    try {
      const size = source ? (await handle.stat()).size : 0;
      return new LocalDraft(place, temp, handle, lock, durable, size);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.unlink(place.folder.at(temp)).catch(() => undefined);
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
      await publish(this.lock, this.durable);
    } catch (error) {
      await fs.unlink(this.place.folder.at(this.temp)).catch(() => undefined);
      this.lock.tidy = true;
      throw error;
    }
  }

  async discard(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.handle.close().catch(() => undefined);
    await fs.unlink(this.place.folder.at(this.temp)).catch(() => undefined);
    this.lock.tidy = true;
  }
}
