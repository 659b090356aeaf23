import type { promises as fs, Stats } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { lockLostError } from '../../core';
import { Lease } from '../../core/lease';
import { letGo, type HeldFolder } from './held-folder';
import { writeAt } from '../positioned-io';
import { createExclusive } from './local-draft';
import {
  assertHeld,
  folderGone,
  LocalLock,
  newToken,
  tempFor,
  type LocalLocks,
} from './local-lock';
import { isCode, lstatAt, type LocalPaths } from './local-paths';

export interface WholeWriter {
  paths: LocalPaths;
  locks: LocalLocks;
  durable: boolean;
  lockTtlMs: number;
}

type Outcome = 'written' | 'locked' | 'exists';

/**
 * Up to this size the data is written (and fsynced) into the temp file while the lock is taken:
 * only the rename needs the lock, and a refused write wastes little. Bigger data waits for it.
 */
const WRITE_BEFORE_LOCK_BYTES = 1024 * 1024;

/**
 * `writeFile` in one go, with the steps that do not depend on each other overlapped: the walk to
 * the file's folder (made when missing), then its lock taken while the temp file beside the
 * target (named after the lock's token, so that whoever breaks the lock can fence it) is made,
 * written and fsynced; then the lease checked, the rename, and the folder's fsync while the lock
 * is released.
 */
export async function writeWhole(
  w: WholeWriter,
  path: string,
  data: Buffer,
  exclusive: boolean,
): Promise<Outcome> {
  const token = newToken();
  const temp = tempFor(token);
  const early = data.length <= WRITE_BEFORE_LOCK_BYTES;
  for (let walk = 0; ; walk++) {
    const started = Date.now();
    const place = (await w.paths.place(path, true))!;
    const [took, made] = await Promise.allSettled([
      w.locks.takeAt(place, path, w.lockTtlMs, token),
      early ? written(place.folder, temp, data, w.durable) : createExclusive(place.folder, temp),
    ]);
    const lock =
      took.status === 'fulfilled' && took.value instanceof LocalLock ? took.value : undefined;
    if (lock && made.status === 'fulfilled') {
      const lease = new Lease(lock, w.lockTtlMs, started);
      return commit(w, lock, lease, made.value, early ? undefined : data, exclusive);
    }
    if (made.status === 'fulfilled') await discard(place.folder, temp, made.value);
    if (lock) await lock.release();
    else letGo(place.folder);
    if (took.status === 'rejected') throw took.reason;
    const gone =
      took.value === 'gone' || (made.status === 'rejected' && isCode(made.reason, 'ENOENT'));
    if (gone && walk < 8) continue;
    if (gone) throw folderGone(path);
    if (made.status === 'rejected') throw made.reason;
    return 'locked';
  }
}

/**
 * The temp file made and `data` written into it, then fsynced when durable, else closed (either
 * reports a write error).
 */
async function written(
  folder: HeldFolder,
  temp: string,
  data: Buffer,
  durable: boolean,
): Promise<fs.FileHandle> {
  const handle = await createExclusive(folder, temp);
  try {
    await writeAt(handle, 0, data);
    if (durable) await handle.sync();
    else await handle.close();
    return handle;
  } catch (error) {
    await discard(folder, temp, handle);
    throw error;
  }
}

/** The rest of `writeWhole`, the lock held and the temp file open (`data`: still to write). */
async function commit(
  w: WholeWriter,
  lock: LocalLock,
  lease: Lease,
  handle: fs.FileHandle,
  data: Buffer | undefined,
  exclusive: boolean,
): Promise<Outcome> {
  const { place } = lock;
  let published = false;
  try {
    const [wrote, existing] = await Promise.allSettled([
      data ? writeThenSync(handle, data, w.durable) : undefined,
      exclusive
        ? w.paths.following(place, lock.path, lstatAt).catch(missingAsUndefined)
        : Promise.resolve(undefined),
    ]);
    if (wrote.status === 'rejected') throw wrote.reason;
    if (existing.status === 'rejected') throw existing.reason;
    if (existing.value?.isFile()) return 'exists';
    // Without an fsync, the close (which may report a write error) comes before the rename.
    if (!w.durable && data) await handle.close();
    await lease.settle();
    if (lease.lost) throw lockLostError(lock.path);
    await assertHeld(lock);
    try {
      await fsp.rename(place.folder.at(lock.temp), place.folder.at(place.name));
    } catch (error) {
      // The temp file is gone: whoever broke the lock fenced this commit out.
      if (isCode(error, 'ENOENT')) throw lockLostError(lock.path);
      throw error;
    }
    published = true;
    await Promise.all([
      w.durable ? place.folder.sync() : undefined,
      handle.close().catch(() => undefined),
      lease.release(),
    ]);
    return 'written';
  } finally {
    if (!published) await discard(place.folder, lock.temp, handle);
    await lease.release();
  }
}

async function discard(folder: HeldFolder, temp: string, handle: fs.FileHandle): Promise<void> {
  await handle.close().catch(() => undefined);
  await fsp.unlink(folder.at(temp)).catch(() => undefined);
}

function missingAsUndefined(error: unknown): Stats | undefined {
  if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
  throw error;
}

async function writeThenSync(handle: fs.FileHandle, data: Buffer, durable: boolean) {
  await writeAt(handle, 0, data);
  if (durable) await handle.sync();
}
