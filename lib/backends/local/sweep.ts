import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { RESERVED_PREFIX } from '../../core';
import type { LocalPaths } from './local-paths';

/** A `writeFile` temp file nobody has written for this long was left by a writer that died. */
export const STALE_TEMP_MS = 60 * 60_000;

/**
 * Removes the stale temp files of `<root>/.aiofs/tmp`. A `writeFile` keeps its temp file there
 * for one write, fsync and rename, so a file not written for STALE_TEMP_MS was left by a writer
 * killed mid-way. Removing it by its name there can never touch a committed file: a commit
 * renames the temp file away first. Best effort, as housekeeping must never keep the file system
 * from opening: a file it cannot remove (or one another process swept first) is skipped.
 */
export async function sweepTempFiles(paths: LocalPaths, now = Date.now()): Promise<void> {
  const dir = paths.internal('tmp');
  const names = await fs.readdir(dir).catch((): string[] => []);
  for (const name of names) {
    if (!name.startsWith(`${RESERVED_PREFIX}-tmp-`)) continue;
    const file = nodePath.join(dir, name);
    const stat = await fs.lstat(file).catch(() => undefined);
    if (!stat || now - stat.mtimeMs < STALE_TEMP_MS) continue;
    await fs.unlink(file).catch(() => undefined);
  }
}
