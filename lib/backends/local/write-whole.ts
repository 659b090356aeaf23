import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { FileSystemError, lockLostError, type DriverLock, type FileStat } from '../../core';
import { Lease } from '../../core/lease';
import { createTemp, LocalDraft, writeAt } from './local-draft';
import { assertHeld, type LocalLocks } from './local-lock';
import { fsyncDir, isCode, type LocalPaths } from './local-paths';

export interface WholeWriter {
  paths: LocalPaths;
  locks: LocalLocks;
  durable: boolean;
  lockTtlMs: number;
  stat(path: string): Promise<FileStat | undefined>;
}

type Outcome = 'written' | 'locked' | 'exists';

/**
 * `writeFile` in one go, with the steps that do not depend on each other overlapped: the temp
 * file is made under the root's internal folder while the lock is taken and the folders on the
 * way are checked (nothing is written near the target before that check), the lock's entry is
 * written along with the data, and it is released while the folder closes. A folder on another
 * disk than the root (a mount point) gets its temp file beside the target instead, as a `w`
 * handle's draft.
 */
export async function writeWhole(
  w: WholeWriter,
  path: string,
  data: Buffer,
  exclusive: boolean,
): Promise<Outcome> {
  const started = Date.now();
  const [took, made] = await Promise.allSettled([
    w.locks.take(path, w.lockTtlMs),
    createTemp(w.paths, w.paths.internal('tmp', 'file')),
  ]);
  const taken = took.status === 'fulfilled' ? took.value : undefined;
  if (!taken || made.status === 'rejected') {
    if (made.status === 'fulfilled') await discard(made.value);
    if (taken) await taken.lock.release();
    if (took.status === 'rejected') throw took.reason;
    if (made.status === 'rejected') throw made.reason;
    return 'locked';
  }
  // Renews the lock should the write outlast a third of its TTL.
  const lease = new Lease(taken.lock, w.lockTtlMs, started);
  const temp = made.value;
  let dir: fs.FileHandle | undefined;
  let published = false;
  try {
    const target = taken.lock.wayChecked
      ? w.paths.absolute(path)
      : await w.paths.checked(path, false);
    const folder = nodePath.dirname(target);
    const [written, opened, existing] = await Promise.allSettled([
      Promise.all([writeAt(temp.handle, 0, data), taken.ready]),
      w.durable ? fs.open(folder, 'r') : Promise.resolve(undefined),
      exclusive ? w.stat(path) : Promise.resolve(undefined),
    ]);
    // A folder that is missing yet is opened for its fsync once the rename has made it.
    if (opened.status === 'fulfilled') dir = opened.value;
    if (written.status === 'rejected') throw written.reason;
    if (existing.status === 'rejected') throw existing.reason;
    if (existing.value) return 'exists';
    // After an fsync, which reports any write error, the temp file is renamed while still open
    // and closed while its folder syncs; without one, the close (which may report it) comes first.
    if (w.durable) await temp.handle.sync();
    else await temp.handle.close();
    await lease.settle();
    if (lease.lost) throw lockLostError(path);
    await assertHeld(taken.lock);
    try {
      published = await w.paths.renameInto(temp.temp, target);
    } catch (error) {
      if (!isCode(error, 'EXDEV')) throw error;
      // A target on another disk than the root (a mount point): a temp file beside it.
      await writeDraft(w, taken.lock, target, data);
      return 'written';
    }
    if (!published) {
      throw new FileSystemError('EIO', `The temp file of '${path}' vanished before its commit`, {
        path,
      });
    }
    if (w.durable) {
      await Promise.all([
        dir ? dir.sync() : fsyncDir(folder),
        temp.handle.close().catch(() => undefined),
      ]);
    }
    return 'written';
  } finally {
    if (!published) await discard(temp);
    await Promise.all([dir?.close().catch(() => undefined), lease.release()]);
  }
}

/** The way of a `w` handle: a draft beside the target, committed. */
async function writeDraft(
  w: WholeWriter,
  lock: DriverLock,
  target: string,
  data: Buffer,
): Promise<void> {
  const draft = await LocalDraft.create(w.paths, target, lock, 'empty', w.durable);
  try {
    await draft.write(0, data);
    await draft.commit();
  } catch (error) {
    await draft.discard();
    throw error;
  }
}

async function discard(temp: { temp: string; handle: fs.FileHandle }): Promise<void> {
  await temp.handle.close().catch(() => undefined);
  await fs.unlink(temp.temp).catch(() => undefined);
}
