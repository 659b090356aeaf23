import type { promises as fs, Stats } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { lockLostError } from '../../core';
import { Lease } from '../../core/lease';
import { letGo } from './held-folder';
import { createExclusive, tempName, writeAt } from './local-draft';
import { assertHeld, folderGone, LocalLock, type LocalLocks } from './local-lock';
import { isCode, lstatAt, type LocalPaths } from './local-paths';

export interface WholeWriter {
  paths: LocalPaths;
  locks: LocalLocks;
  durable: boolean;
  lockTtlMs: number;
}

type Outcome = 'written' | 'locked' | 'exists';

/**
 * `writeFile` in one go, with the steps that do not depend on each other overlapped: the walk to
 * the file's folder (made when missing), then its lock entry and a temp file beside the target
 * made at once, the data written while an `exclusive` write looks for the file, the lease
 * checked, a rename and the folder's fsync through the held folder.
 */
export async function writeWhole(
  w: WholeWriter,
  path: string,
  data: Buffer,
  exclusive: boolean,
): Promise<Outcome> {
  const temp = tempName();
  for (let walk = 0; ; walk++) {
    const started = Date.now();
    const place = (await w.paths.place(path, true))!;
    const [took, made] = await Promise.allSettled([
      w.locks.takeAt(place, path, w.lockTtlMs),
      createExclusive(place.folder, temp),
    ]);
    const lock =
      took.status === 'fulfilled' && took.value instanceof LocalLock ? took.value : undefined;
    if (lock && made.status === 'fulfilled') {
      return written(
        w,
        lock,
        new Lease(lock, w.lockTtlMs, started),
        temp,
        made.value,
        data,
        exclusive,
      );
    }
    if (made.status === 'fulfilled') {
      await made.value.close().catch(() => undefined);
      await fsp.unlink(place.folder.at(temp)).catch(() => undefined);
    }
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

/** The rest of `writeWhole`, the lock held and the temp file open. */
async function written(
  w: WholeWriter,
  lock: LocalLock,
  lease: Lease,
  temp: string,
  handle: fs.FileHandle,
  data: Buffer,
  exclusive: boolean,
): Promise<Outcome> {
  const { place } = lock;
  let published = false;
  try {
    const [wrote, existing] = await Promise.allSettled([
      writeAt(handle, 0, data),
      exclusive
        ? w.paths.following(place, lock.path, lstatAt).catch(missingAsUndefined)
        : Promise.resolve(undefined),
    ]);
    if (wrote.status === 'rejected') throw wrote.reason;
    if (existing.status === 'rejected') throw existing.reason;
    if (existing.value?.isFile()) return 'exists';
    // After an fsync, which reports any write error, the temp file is renamed while still open
    // and closed while its folder syncs; without one, the close (which may report it) comes first.
    if (w.durable) await handle.sync();
    else await handle.close();
    await lease.settle();
    if (lease.lost) throw lockLostError(lock.path);
    await assertHeld(lock);
    await fsp.rename(place.folder.at(temp), place.folder.at(place.name));
    published = true;
    if (w.durable) await Promise.all([place.folder.sync(), handle.close().catch(() => undefined)]);
    return 'written';
  } finally {
    if (!published) {
      await handle.close().catch(() => undefined);
      await fsp.unlink(place.folder.at(temp)).catch(() => undefined);
    }
    await lease.release();
  }
}

function missingAsUndefined(error: unknown): Stats | undefined {
  if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
  throw error;
}
