import { promises as fs } from 'node:fs';
import { RESERVED_PREFIX } from '../../core';
import { letGo, type HeldFolder } from './held-folder';
import { lstatAt, type LocalPaths } from './local-paths';

/**
 * Every file under the root whose path starts with `prefix`, streamed one folder entry at a
 * time (`opendir`), so memory is bounded by the folder depth, not the number of files. Each
 * folder is listed through its held descriptor, opened from its parent's without following a
 * symlink. Hidden internals are skipped; a symlink counts when it leads to a file inside the root.
 */
export async function* walkFiles(paths: LocalPaths, prefix: string): AsyncIterable<string> {
  const slash = prefix.lastIndexOf('/');
  const startRel = slash === -1 ? '' : prefix.slice(0, slash);
  // Where a prefix starts may be reached through a symlinked folder that stays inside the root
  // (the walk below it still follows no symlinked folder, so it cannot loop).
  const start = await paths.folder(startRel).catch(() => undefined);
  if (!start) return;
  try {
    yield* walkDir(paths, start, startRel, prefix);
  } finally {
    letGo(start);
  }
}

async function* walkDir(
  paths: LocalPaths,
  folder: HeldFolder,
  rel: string,
  prefix: string,
): AsyncIterable<string> {
  let dir;
  try {
    dir = await fs.opendir(folder.self, { bufferSize: 64 });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for await (const entry of dir) {
    if (entry.name.startsWith(RESERVED_PREFIX)) continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) {
      if (child.startsWith(prefix) && (await leadsToFile(paths, folder, entry.name, child)))
        yield child;
    } else if (entry.isFile()) {
      if (child.startsWith(prefix)) yield child;
    } else if (
      entry.isDirectory() &&
      (prefix.startsWith(`${child}/`) || `${child}/`.startsWith(prefix) || child.startsWith(prefix))
    ) {
      const sub = await paths.child(folder, entry.name).catch(() => undefined);
      if (!sub) continue; // gone, or swapped for something else since it was listed
      try {
        yield* walkDir(paths, sub, child, prefix);
      } finally {
        letGo(sub);
      }
    }
  }
}

/** Symlinks to files inside the root are files; symlinked folders are not followed (no loops). */
async function leadsToFile(
  paths: LocalPaths,
  folder: HeldFolder,
  name: string,
  child: string,
): Promise<boolean> {
  try {
    const stat = await paths.following({ folder, name, hops: 0 }, child, lstatAt);
    return stat?.isFile() ?? false;
  } catch {
    return false;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
