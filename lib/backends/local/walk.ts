import { promises as fs } from 'node:fs';
import { RESERVED_PREFIX } from '../../core';
import { isCode, type LocalPaths } from './local-paths';

/**
 * Every file under the root whose path starts with `prefix`, streamed one folder entry at a
 * time (`opendir`), so memory is bounded by the folder depth, not the number of files.
 * Hidden internals are skipped; a symlink counts when it resolves to a file inside the root.
 */
export async function* walkFiles(paths: LocalPaths, prefix: string): AsyncIterable<string> {
  const slash = prefix.lastIndexOf('/');
  const startRel = slash === -1 ? '' : prefix.slice(0, slash);
  if (startRel && !(await isFolderInside(paths, startRel))) return;
  yield* walkDir(paths, startRel, prefix);
}

/**
 * Whether the folder where a prefix starts is inside the root. Reaching it through a symlinked
 * folder is allowed when the link stays inside (the walk below it still follows no symlinked
 * folder, so it cannot loop).
 */
async function isFolderInside(paths: LocalPaths, rel: string): Promise<boolean> {
  try {
    const absolute = paths.absolute(rel);
    const [real, stat] = await Promise.all([fs.realpath(absolute), fs.stat(absolute)]);
    return stat.isDirectory() && paths.contains(real);
  } catch (error) {
    if (isCode(error, 'ENOENT', 'ENOTDIR', 'ELOOP')) return false;
    throw error;
  }
}

async function* walkDir(paths: LocalPaths, rel: string, prefix: string): AsyncIterable<string> {
  let dir;
  try {
    dir = await fs.opendir(rel ? paths.absolute(rel) : paths.root, { bufferSize: 64 });
  } catch (error) {
    if (isCode(error, 'ENOENT', 'ENOTDIR')) return;
    throw error;
  }
  for await (const entry of dir) {
    if (entry.name.startsWith(RESERVED_PREFIX)) continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    let kind: 'file' | 'dir' | undefined = entry.isFile()
      ? 'file'
      : entry.isDirectory()
        ? 'dir'
        : undefined;
    if (entry.isSymbolicLink()) kind = await symlinkKind(paths, child);
    if (kind === 'file' && child.startsWith(prefix)) yield child;
    else if (
      kind === 'dir' &&
      (prefix.startsWith(`${child}/`) || `${child}/`.startsWith(prefix) || child.startsWith(prefix))
    ) {
      yield* walkDir(paths, child, prefix);
    }
  }
}

/** Symlinks to files inside the root are files; symlinked folders are not followed (no loops). */
async function symlinkKind(paths: LocalPaths, rel: string): Promise<'file' | undefined> {
  try {
    const absolute = paths.absolute(rel);
    const [real, stat] = await Promise.all([fs.realpath(absolute), fs.stat(absolute)]);
    return stat.isFile() && paths.contains(real) ? 'file' : undefined;
  } catch {
    return undefined;
  }
}
