import { promises as fs, type Stats } from 'node:fs';
import * as nodePath from 'node:path';
import { FileSystemError, InvalidPathError } from '../../core';
import { FolderCache } from './folder-cache';
import {
  DescriptorFolder,
  FOLDER_FLAGS,
  letGo,
  PathFolder,
  SharedFolder,
  type HeldFolder,
} from './held-folder';

/** How many symlinks one path may go through before it is refused (Linux's own limit). */
const MAX_LINKS = 40;

/** A name inside a held folder: where a path's file is (the name itself not followed). */
export interface Place {
  folder: HeldFolder;
  name: string;
  /** Symlinks followed to get here. */
  hops: number;
}

/** The held folder that segments lead to, and what of them is still missing. */
interface Reached {
  folder: HeldFolder;
  /** The segments below `folder` that do not exist yet (empty when all do). */
  missing: string[];
  /** Whether this walk made folders. */
  created: boolean;
  hops: number;
}

type Step =
  | { kind: 'folder'; folder: HeldFolder; created: boolean }
  | { kind: 'link'; target: string }
  | { kind: 'missing' };

/**
 * Maps normalised paths to places under one root, never outside it. On Linux every path is
 * resolved from the root's descriptor one folder at a time, each opened through the one before
 * it without following a symlink (`/proc/self/fd/<fd>/<name>`, `O_DIRECTORY|O_NOFOLLOW`); a
 * symlink on the way is read and followed by this walk only when it stays inside the root. The
 * calls then use the held folder, so a folder swapped for a symlink meanwhile changes nothing.
 * Elsewhere the same walk checks each folder by path (see `PathFolder`).
 */
export class LocalPaths {
  private readonly cache: FolderCache | undefined;

  private constructor(
    readonly root: string,
    /** The root's descriptor, held for the file system's life (Linux with /proc). */
    private readonly shared: SharedFolder | undefined,
  ) {
    this.cache = shared ? new FolderCache(root) : undefined;
  }

  /**
   * Creates the root when missing, resolves its real path and holds its descriptor.
   * `descriptors: false` resolves by path as where /proc is missing (for tests on Linux).
   */
  static async open(root: string, { descriptors = true } = {}): Promise<LocalPaths> {
    const absolute = nodePath.resolve(root);
    let real: string;
    try {
      await fs.mkdir(absolute, { recursive: true });
      real = await fs.realpath(absolute);
      if (!(await fs.stat(real)).isDirectory())
        throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      const reason =
        code === 'EEXIST' || code === 'ENOTDIR' ? 'it is not a folder' : (error as Error).message;
      throw new FileSystemError(code, `The local root '${absolute}' cannot be used: ${reason}`, {
        cause: error,
      });
    }
    return new LocalPaths(real, descriptors ? await holdRoot(real) : undefined);
  }

  async close(): Promise<void> {
    await this.cache?.close();
    await this.shared?.retire();
  }

  /** The root, held. */
  rootFolder(): HeldFolder {
    return this.shared ? this.shared.share() : new PathFolder(this.root, []);
  }

  /**
   * Where `path`'s file is: its folder held, its own name not followed. With `create` the
   * missing folders are made (`created` says whether any was); without, undefined when one is
   * missing. A file where a folder should be is an ENOTDIR error.
   */
  async place(path: string, create = false): Promise<(Place & { created: boolean }) | undefined> {
    const segments = path.split('/');
    const name = segments.pop()!;
    const reached = await this.reach(segments, create, path);
    if (reached.missing.length > 0) {
      letGo(reached.folder);
      return undefined;
    }
    return { folder: reached.folder, name, hops: reached.hops, created: reached.created };
  }

  /** The folder `rel` (`''` for the root) held, or undefined when it is missing. */
  async folder(rel: string): Promise<HeldFolder | undefined> {
    const reached = await this.reach(rel === '' ? [] : rel.split('/'), false, rel);
    if (reached.missing.length === 0) return reached.folder;
    letGo(reached.folder);
    return undefined;
  }

  /** The folder `name` right inside `parent` (a symlink there is not followed), or undefined. */
  async child(parent: HeldFolder, name: string): Promise<HeldFolder | undefined> {
    const opened = await this.openFolder(parent, name);
    return typeof opened === 'object' ? opened : undefined;
  }

  /**
   * The place the symlink at `place` leads to, or undefined when it leads to nothing (or to a
   * folder); 'again' when `place` is no longer a symlink. Refuses a link that leads out of the
   * root. `place` stays held.
   */
  async follow(place: Place, path: string): Promise<Place | 'again' | undefined> {
    if (place.hops >= MAX_LINKS) throw new InvalidPathError(path, 'too many symlinks');
    let target: string;
    try {
      target = await fs.readlink(place.folder.at(place.name));
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
      if (isCode(error, 'EINVAL')) return 'again';
      throw error;
    }
    const segments = nodePath.isAbsolute(target)
      ? await this.insideRoot(target, path)
      : [...place.folder.segments, ...splitTarget(target)];
    while (segments.length > 0 && (segments.at(-1) === '' || segments.at(-1) === '.'))
      segments.pop();
    const name = segments.pop();
    if (name === undefined || name === '..') return undefined; // a folder, not a file
    const reached = await this.reach(segments, false, path, place.hops + 1);
    if (reached.missing.length > 0) {
      letGo(reached.folder);
      return undefined;
    }
    return { folder: reached.folder, name, hops: reached.hops };
  }

  /**
   * Runs `use` on `path`'s place; when `use` finds a symlink there (an ELOOP error), on the place
   * the symlink leads to instead. Undefined when a folder on the way is missing, or the link
   * leads to nothing.
   */
  async atFile<T>(path: string, use: (place: Place) => Promise<T>): Promise<T | undefined> {
    const place = await this.place(path);
    if (!place) return undefined;
    try {
      return await this.following(place, path, use);
    } finally {
      letGo(place.folder);
    }
  }

  /** `atFile` from a place the caller holds (and keeps). */
  async following<T>(
    start: Place,
    path: string,
    use: (place: Place) => Promise<T>,
  ): Promise<T | undefined> {
    let place: Place | undefined = start;
    let retries = 0;
    try {
      for (;;) {
        try {
          return await use(place);
        } catch (error) {
          if (!isCode(error, 'ELOOP')) throw error;
        }
        const next = await this.follow(place, path);
        if (next === 'again') {
          if (++retries > MAX_LINKS) throw new InvalidPathError(path, 'it keeps changing');
          continue;
        }
        if (place !== start) letGo(place.folder);
        place = next;
        if (!place) return undefined;
      }
    } finally {
      if (place && place !== start) letGo(place.folder);
    }
  }

  /** Removes the empty folders of `segments`, deepest first, up to (not including) the root. */
  async removeEmptyFolders(segments: readonly string[]): Promise<void> {
    for (let depth = segments.length; depth > 0; depth--) {
      let parent: HeldFolder | undefined;
      try {
        const reached = await this.reach(segments.slice(0, depth - 1), false, '');
        parent = reached.folder;
        if (reached.missing.length > 0) return;
        await fs.rmdir(parent.at(segments[depth - 1]));
        this.cache?.drop(segments.slice(0, depth).join('/'));
      } catch {
        return; // not empty, gone, or not ours to remove
      } finally {
        letGo(parent);
      }
    }
  }

  /**
   * Walks `queue` from the root, one folder at a time, as far as the folders exist (making them
   * with `create`). A symlink on the way is followed by the walk itself: a relative one from the
   * folder that holds it, an absolute one from the root once it is known to lead inside.
   */
  private async reach(
    segments: readonly string[],
    create: boolean,
    path: string,
    hops = 0,
  ): Promise<Reached> {
    const plain =
      this.cache !== undefined && segments.every((s) => s !== '' && s !== '.' && s !== '..');
    const queue = [...segments];
    const stack: HeldFolder[] = [this.rootFolder()];
    // A folder on the way used a moment ago (and still where it was) spares the walk to it.
    for (let depth = plain ? segments.length : 0; depth > 0; depth--) {
      const kept = this.cache!.take(segments.slice(0, depth).join('/'));
      if (!kept) continue;
      if (depth === segments.length) {
        letGo(stack.pop());
        return { folder: kept, missing: [], created: false, hops };
      }
      stack.push(kept);
      queue.splice(0, depth);
      break;
    }
    const linksBefore = hops;
    let created = false;
    try {
      while (queue.length > 0) {
        const segment = queue.shift()!;
        if (segment === '' || segment === '.') continue;
        if (segment === '..') {
          const top = stack[stack.length - 1];
          if (top.segments.length === 0) throw outside(path);
          letGo(stack.pop());
          // A stack that starts from a kept folder skips its parents: walk to this one.
          if (stack[stack.length - 1].segments.length !== top.segments.length - 1) {
            while (stack.length > 1) letGo(stack.pop());
            queue.unshift(...top.segments.slice(0, -1));
          }
          continue;
        }
        const step = await this.step(stack[stack.length - 1], segment, create);
        if (step.kind === 'folder') {
          stack.push(step.folder);
          created ||= step.created;
        } else if (step.kind === 'missing') {
          queue.unshift(segment);
          break;
        } else {
          if (++hops > MAX_LINKS) throw new InvalidPathError(path, 'too many symlinks');
          if (nodePath.isAbsolute(step.target)) {
            const inside = await this.insideRoot(step.target, path);
            while (stack.length > 1) letGo(stack.pop());
            queue.unshift(...inside);
          } else {
            queue.unshift(...splitTarget(step.target));
          }
        }
      }
      let folder = stack.pop()!;
      stack.forEach(letGo);
      if (plain && hops === linksBefore && queue.length === 0 && folder instanceof DescriptorFolder)
        folder = this.cache!.keep(segments.join('/'), folder);
      return { folder, missing: queue, created, hops };
    } catch (error) {
      stack.forEach(letGo);
      throw error;
    }
  }

  /** One folder below `parent`: opened, or found to be a symlink, or missing (made with `create`). */
  private async step(parent: HeldFolder, name: string, create: boolean): Promise<Step> {
    let created = false;
    for (let attempt = 0; ; attempt++) {
      const opened = await this.openFolder(parent, name);
      if (typeof opened === 'object') return { kind: 'folder', folder: opened, created };
      if (opened === 'missing') {
        if (!create) return { kind: 'missing' };
        try {
          await fs.mkdir(parent.at(name));
          created = true;
        } catch (error) {
          if (!isCode(error, 'EEXIST')) throw error;
        }
      } else {
        try {
          return { kind: 'link', target: await fs.readlink(parent.at(name)) };
        } catch (error) {
          if (!isCode(error, 'EINVAL', 'ENOENT')) throw error;
          // Not a symlink: a file on the way, unless it changed since the open.
          const stat = await fs.lstat(parent.at(name)).catch(() => undefined);
          if (stat && !stat.isDirectory() && !stat.isSymbolicLink()) throw notAFolder(name);
        }
      }
      if (attempt >= 8) throw notAFolder(name);
    }
  }

  /** The folder `name` of `parent`; 'missing', or 'other' (a symlink or a file) when it is not one. */
  private async openFolder(
    parent: HeldFolder,
    name: string,
  ): Promise<HeldFolder | 'missing' | 'other'> {
    const segments = [...parent.segments, name];
    if (this.shared) {
      try {
        return new DescriptorFolder(await fs.open(parent.at(name), FOLDER_FLAGS), segments);
      } catch (error) {
        if (isCode(error, 'ENOENT')) return 'missing';
        if (isCode(error, 'ENOTDIR', 'ELOOP')) return 'other';
        throw error;
      }
    }
    try {
      const stat = await fs.lstat(parent.at(name));
      return stat.isDirectory() ? new PathFolder(parent.at(name), segments) : 'other';
    } catch (error) {
      if (isCode(error, 'ENOENT')) return 'missing';
      throw error;
    }
  }

  /**
   * The segments below the root that the absolute symlink target `target` names; refused when it
   * leads outside. One that does not name a place under the root's real path may still reach it
   * through other symlinks: where it really leads is then looked up (a snapshot, which only
   * picks the path inside the root that the walk then resolves, step by step, again).
   */
  private async insideRoot(target: string, path: string): Promise<string[]> {
    let probe = nodePath.resolve(target);
    const direct = this.below(probe);
    if (direct) return direct;
    const rest: string[] = [];
    for (;;) {
      try {
        const below = this.below(await fs.realpath(probe));
        if (!below) throw outside(path);
        return [...below, ...rest];
      } catch (error) {
        if (!isCode(error, 'ENOENT', 'ENOTDIR')) throw error;
        const parent = nodePath.dirname(probe);
        if (parent === probe) throw outside(path);
        rest.unshift(nodePath.basename(probe));
        probe = parent;
      }
    }
  }

  /** The segments of `absolute` below the root, or undefined when it is not under the root. */
  private below(absolute: string): string[] | undefined {
    if (absolute === this.root) return [];
    if (absolute.startsWith(this.root + nodePath.sep))
      return absolute.slice(this.root.length + 1).split(nodePath.sep);
    return undefined;
  }
}

/** lstat of the name at `place`; a symlink there is an ELOOP error, for `following` to follow. */
export async function lstatAt(place: Place): Promise<Stats> {
  const stat = await fs.lstat(place.folder.at(place.name));
  if (stat.isSymbolicLink())
    throw Object.assign(new Error(`ELOOP: a symlink, '${place.name}'`), { code: 'ELOOP' });
  return stat;
}

/** Holds the root's descriptor when this system resolves `/proc/self/fd/<fd>` through it. */
async function holdRoot(real: string): Promise<SharedFolder | undefined> {
  if (process.platform !== 'linux') return undefined;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(real, FOLDER_FLAGS);
    const [held, viaProc] = await Promise.all([
      handle.stat(),
      fs.stat(`/proc/self/fd/${handle.fd}/.`),
    ]);
    if (held.ino === viaProc.ino && held.dev === viaProc.dev)
      return new SharedFolder(new DescriptorFolder(handle, []));
  } catch {
    // no /proc: paths are checked by path instead
  }
  await handle?.close().catch(() => undefined);
  return undefined;
}

function splitTarget(target: string): string[] {
  return target.split(nodePath.sep === '\\' ? /[\\/]/ : '/');
}

function outside(path: string): InvalidPathError {
  return new InvalidPathError(path, 'it resolves outside the root through a symlink');
}

function notAFolder(name: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, '${name}'`), { code: 'ENOTDIR' });
}

export function isCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}
