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

  /**
   * The path of the file `path` names once its folders' symlinks are resolved: two paths that
   * reach the same file through a symlinked folder share one lock. The file's own name is kept
   * (a commit replaces a symlink there, it does not write through it).
   */
  async canonical(path: string): Promise<string> {
    const rest = [nodePath.basename(this.absolute(path))];
    let dir = nodePath.dirname(this.absolute(path));
    for (;;) {
      try {
        const real = await fs.realpath(dir);
        if (!this.contains(real)) return path;
        const relative = nodePath.relative(this.root, nodePath.join(real, ...rest));
        return relative.split(nodePath.sep).join('/');
      } catch (error) {
        if (!isCode(error, 'ENOENT', 'ENOTDIR') || dir === this.root) throw error;
        rest.unshift(nodePath.basename(dir));
        dir = nodePath.dirname(dir);
      }
    }
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
   * The absolute place of `path` after checking that it cannot lead outside the root. The common
   * case costs one lstat per parent below the root (in parallel); only a symlink among them (or as
   * the file itself, when `followFile`) costs a real-path check.
   */
  async checked(path: string, followFile = true): Promise<string> {
    const absolute = this.absolute(path);
    if (await this.linkOnTheWay(path, followFile)) await this.checkReal(path, absolute);
    return absolute;
  }

  /**
   * Whether a folder on the way to `path` (or the file itself, with `withFile`) is a symlink:
   * one lstat each, in parallel. Missing ones are not links.
   */
  async linkOnTheWay(path: string, withFile = false): Promise<boolean> {
    const segments = path.split('/');
    const probes: string[] = [];
    for (let i = 1; i < segments.length; i++)
      probes.push(nodePath.join(this.root, ...segments.slice(0, i)));
    if (withFile) probes.push(this.absolute(path));
    if (probes.length === 0) return false;
    const stats = await Promise.all(
      probes.map((p) =>
        fs
          .lstat(p)
          .catch((error) =>
            isCode(error, 'ENOENT', 'ENOTDIR') ? undefined : Promise.reject(error),
          ),
      ),
    );
    return stats.some((s) => s?.isSymbolicLink());
  }

  /** Checks a path known to have a symlink on the way (see `linkOnTheWay`). */
  async checkedWithLinks(path: string): Promise<string> {
    const absolute = this.absolute(path);
    await this.checkReal(path, absolute);
    return absolute;
  }

  /** Follows every symlink on the way to `absolute` (dangling ones too) and refuses an exit. */
  private async checkReal(path: string, absolute: string): Promise<void> {
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
      return;
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

  /**
   * Renames `source` over `target`, making the target's folder when it is missing (again if a
   * concurrent cleanup removes it meanwhile); false when `source` is gone.
   */
  async renameInto(source: string, target: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.rename(source, target);
        return true;
      } catch (error) {
        if (!isCode(error, 'ENOENT') || attempt >= 5) {
          await this.removeEmptyParents(target);
          throw error;
        }
        const sourceLeft = await fs.lstat(source).then(
          () => true,
          () => false,
        );
        if (!sourceLeft) {
          await this.removeEmptyParents(target);
          return false;
        }
      }
      await this.ensureParent(target);
    }
  }

  /** Creates the folder of `absolute` when missing. */
  async ensureParent(absolute: string): Promise<void> {
    const dir = nodePath.dirname(absolute);
    if (dir !== this.root) await fs.mkdir(dir, { recursive: true });
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
