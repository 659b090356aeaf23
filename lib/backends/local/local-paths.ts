import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { FileSystemError, InvalidPathError, RESERVED_PREFIX } from '../../core';

/** Where aiofs keeps its lock entries, under the root. Hidden: its name is reserved. */
export const INTERNAL_DIR = RESERVED_PREFIX;

/** Maps normalised paths to real places under one root, refusing any that escape it. */
export class LocalPaths {
  private constructor(readonly root: string) {}

  /** Creates the root when missing and resolves its real path. */
  static async open(root: string): Promise<LocalPaths> {
    const absolute = nodePath.resolve(root);
    try {
      await fs.mkdir(absolute, { recursive: true });
      const real = await fs.realpath(absolute);
      await fs.mkdir(nodePath.join(real, INTERNAL_DIR, 'locks'), { recursive: true });
      return new LocalPaths(real);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      const reason =
        code === 'EEXIST' || code === 'ENOTDIR' ? 'it is not a folder' : (error as Error).message;
      throw new FileSystemError(code, `The local root '${absolute}' cannot be used: ${reason}`, {
        cause: error,
      });
    }
  }

  absolute(path: string): string {
    return nodePath.join(this.root, ...path.split('/'));
  }

  internal(...parts: string[]): string {
    return nodePath.join(this.root, INTERNAL_DIR, ...parts);
  }

  /** A hidden temp file beside `absolute`, so that its rename is atomic. */
  tempBeside(absolute: string): string {
    return nodePath.join(
      nodePath.dirname(absolute),
      `${RESERVED_PREFIX}-tmp-${randomBytes(12).toString('hex')}`,
    );
  }

  /**
   * The absolute place of `path` after checking that neither it nor any existing parent
   * resolves (through a symlink) outside the root.
   */
  async checked(path: string): Promise<string> {
    const absolute = this.absolute(path);
    let probe = absolute;
    for (let hops = 0; hops < 64; hops++) {
      let real: string;
      try {
        real = await fs.realpath(probe);
      } catch (error) {
        if (!isCode(error, 'ENOENT', 'ENOTDIR')) throw error;
        const link = await fs.lstat(probe).catch(() => undefined);
        if (link?.isSymbolicLink()) {
          // A dangling link: what matters is where it would lead once its target exists.
          probe = nodePath.resolve(nodePath.dirname(probe), await fs.readlink(probe));
        } else if (probe !== this.root) {
          probe = nodePath.dirname(probe);
        } else {
          throw error;
        }
        continue;
      }
      if (!this.contains(real))
        throw new InvalidPathError(path, 'it resolves outside the root through a symlink');
      return absolute;
    }
    throw new InvalidPathError(path, 'too many symlinks');
  }

  contains(real: string): boolean {
    return real === this.root || real.startsWith(this.root + nodePath.sep);
  }

  /** Removes the empty folders between `absolute`'s folder and the root. */
  async removeEmptyParents(absolute: string): Promise<void> {
    let dir = nodePath.dirname(absolute);
    while (dir !== this.root && dir.startsWith(this.root + nodePath.sep)) {
      try {
        await fs.rmdir(dir);
      } catch {
        return; // not empty, gone, or not ours to remove
      }
      dir = nodePath.dirname(dir);
    }
  }

  /** Creates the folder of `absolute`; a folder removed meanwhile by a cleanup is created again. */
  async ensureParent(absolute: string): Promise<void> {
    await fs.mkdir(nodePath.dirname(absolute), { recursive: true });
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function isCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}
