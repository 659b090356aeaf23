import { promises as fs } from 'node:fs';
import { RESERVED_PREFIX } from '../../core';
import { letGo } from './held-folder';
import type { LocalPaths } from './local-paths';

/** A temp file in `.aiofs/tmp` nobody has written for this long was left by a writer that died. */
export const STALE_TEMP_MS = 60 * 60_000;

/**
 * Removes the stale temp files of `<root>/.aiofs/tmp`, where earlier versions of `writeFile`
 * kept theirs for one write, fsync and rename: a file not written for STALE_TEMP_MS was left by
 * a writer killed mid-way. Removing it by its name there can never touch a committed file: a
 * commit renames the temp file away first. Best effort, as housekeeping must never keep the file
 * system from opening: a file it cannot remove (or one another process swept first) is skipped.
 */
export async function sweepTempFiles(paths: LocalPaths, now = Date.now()): Promise<void> {
  const folder = await paths.folder(`${RESERVED_PREFIX}/tmp`).catch(() => undefined);
  if (!folder) return;
  try {
    const names = await fs.readdir(folder.self).catch((): string[] => []);
    for (const name of names) {
      if (!name.startsWith(`${RESERVED_PREFIX}-tmp-`)) continue;
      const stat = await fs.lstat(folder.at(name)).catch(() => undefined);
      if (!stat || now - stat.mtimeMs < STALE_TEMP_MS) continue;
      await fs.unlink(folder.at(name)).catch(() => undefined);
    }
  } finally {
    letGo(folder);
  }
}
