import { constants, promises as fs } from 'node:fs';
import type { HeldFolder } from './held-folder';
import { writeAt } from '../positioned-io';
import { createExclusive } from './local-draft';

/** A sparse file is copied in chunks this big, and written a page at a time where not zeros. */
const CHUNK = 1024 * 1024;
const PAGE = 4096;
const ZEROS = Buffer.alloc(PAGE);
/** What a clone refuses with when the file system cannot share extents between files. */
const NO_CLONE = ['ENOTSUP', 'EOPNOTSUPP', 'EINVAL', 'EXDEV', 'ENOSYS', 'ENOTTY', 'EBADF', 'EPERM'];

/**
 * Copies the regular file open as `source` into a new file `name` of `folder`, and returns that
 * file open for reading and writing. The copy is made from the open descriptors, never by path,
 * so that nothing swapped in meanwhile (a symlink, a FIFO) is read or written. A file with holes
 * keeps them: it is cloned where the file system can, else copied a chunk at a time with the
 * chunks of zeros left unwritten; other files are cloned or copied by the kernel.
 */
export async function copyInto(
  source: fs.FileHandle,
  folder: HeldFolder,
  name: string,
): Promise<fs.FileHandle> {
  const target = await createExclusive(folder, name);
  try {
    const stat = await source.stat();
    const sparse = typeof stat.blocks === 'number' && stat.blocks * 512 < stat.size;
    if (folder.byDescriptor && (await kernelCopy(source, target, sparse))) return target;
    await copyChunks(source, target, stat.size);
    await target.chmod(stat.mode & 0o7777).catch(() => undefined);
    return target;
  } catch (error) {
    await target.close().catch(() => undefined);
    await fs.unlink(folder.at(name)).catch(() => undefined);
    throw error;
  }
}

/**
 * Lets the kernel copy between the two open files (`/proc/self/fd/<fd>` reopens the very inode):
 * a clone where the file system shares extents, else (for a file without holes) a kernel copy.
 * False when a sparse file cannot be cloned: the kernel's copy would fill its holes.
 */
async function kernelCopy(
  source: fs.FileHandle,
  target: fs.FileHandle,
  sparse: boolean,
): Promise<boolean> {
  const from = `/proc/self/fd/${source.fd}`;
  const to = `/proc/self/fd/${target.fd}`;
  try {
    await fs.copyFile(
      from,
      to,
      sparse ? constants.COPYFILE_FICLONE_FORCE : constants.COPYFILE_FICLONE,
    );
    return true;
  } catch (error) {
    if (sparse && NO_CLONE.includes((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

/**
 * Copies `size` bytes a chunk at a time, writing only the runs of pages that are not all zeros:
 * a hole (or a page of zeros) stays a hole.
 */
async function copyChunks(source: fs.FileHandle, target: fs.FileHandle, size: number) {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
  let position = 0;
  while (position < size) {
    const { bytesRead } = await source.read(
      buffer,
      0,
      Math.min(buffer.length, size - position),
      position,
    );
    if (bytesRead === 0) break;
    for (const [start, end] of dataRuns(buffer.subarray(0, bytesRead)))
      await writeAt(target, position + start, buffer.subarray(start, end));
    position += bytesRead;
  }
  // The length, holes at the end included.
  await target.truncate(position);
}

/** The [start, end) runs of `chunk` made of pages that are not all zeros. */
function dataRuns(chunk: Buffer): [number, number][] {
  const runs: [number, number][] = [];
  for (let page = 0; page < chunk.length; page += PAGE) {
    const end = Math.min(page + PAGE, chunk.length);
    if (chunk.subarray(page, end).equals(ZEROS.subarray(0, end - page))) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === page) last[1] = end;
    else runs.push([page, end]);
  }
  return runs;
}
