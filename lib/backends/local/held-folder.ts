import { constants, promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { FileSystemError } from '../../core';

/**
 * A folder beneath the root, reached once and then used by what it is, not by the way to it.
 * Every name inside it is reached through `at(name)`.
 */
export interface HeldFolder {
  /** Held by a descriptor: `/proc/self/fd/<fd>` names what it holds, whatever its path. */
  readonly byDescriptor: boolean;
  /** Where the folder is, relative to the root, as it was reached (its symlinks resolved). */
  readonly segments: readonly string[];
  /** A path naming `name` inside this folder (a single segment, no `/`). */
  at(name: string): string;
  /** A path naming the folder itself, to list it. */
  readonly self: string;
  /** fsync of the folder, so that a rename into it survives a crash. */
  sync(): Promise<void>;
  /** Lets go of it; idempotent. */
  close(): Promise<void>;
}

/** The flags a folder on the way is opened with: a symlink there is refused, not followed. */
export const FOLDER_FLAGS =
  constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * A folder held by an open descriptor (Linux). `/proc/self/fd/<fd>/<name>` makes the kernel start
 * the lookup of `name` at that descriptor's inode, wherever the folder has been moved to and
 * whatever now lies on the path that led to it: it is `openat(fd, name)` for calls that only take
 * a path.
 */
export class DescriptorFolder implements HeldFolder {
  readonly byDescriptor = true;
  private closed = false;

  constructor(
    private readonly handle: fs.FileHandle,
    readonly segments: readonly string[],
  ) {}

  get fd(): number {
    return this.handle.fd;
  }

  get self(): string {
    return `/proc/self/fd/${this.handle.fd}`;
  }

  at(name: string): string {
    if (this.closed) throw closedFolder();
    return `/proc/self/fd/${this.handle.fd}/${name}`;
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

/**
 * A folder descriptor shared by the calls that use it at once: each holds a reference, and the
 * descriptor is closed once it is retired and the last call is done (its number must never be
 * reused while a call may still build a path from it).
 */
export class SharedFolder {
  private references = 0;
  private retired = false;

  constructor(private readonly folder: DescriptorFolder) {}

  get fd(): number {
    return this.folder.fd;
  }

  share(): HeldFolder {
    if (this.retired) throw closedFolder();
    this.references++;
    let released = false;
    const folder = this.folder;
    return {
      byDescriptor: true,
      segments: folder.segments,
      self: folder.self,
      at: (name) => {
        if (released) throw closedFolder();
        return folder.at(name);
      },
      sync: () => folder.sync(),
      close: async () => {
        if (released) return;
        released = true;
        this.references--;
        if (this.retired && this.references === 0) await folder.close();
      },
    };
  }

  /** No new shares; closed once the last one is let go of. */
  async retire(): Promise<void> {
    if (this.retired) return;
    this.retired = true;
    if (this.references === 0) await this.folder.close();
  }
}

/**
 * A folder known by its path only: where no `/proc/self/fd` exists (macOS, Windows, a Linux
 * without /proc). Its way was checked for symlinks when it was reached, but a folder on the way
 * swapped for a symlink afterwards is followed by the calls that use it.
 */
export class PathFolder implements HeldFolder {
  readonly byDescriptor = false;

  constructor(
    readonly self: string,
    readonly segments: readonly string[],
  ) {}

  at(name: string): string {
    return nodePath.join(this.self, name);
  }

  async sync(): Promise<void> {
    const handle = await fs.open(this.self, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async close(): Promise<void> {}
}

function closedFolder(): FileSystemError {
  return new FileSystemError('EBADF', 'The local file system is closed');
}

/** Lets go of `folder` without waiting (a close never fails in a way a caller could act on). */
export function letGo(folder: HeldFolder | undefined): void {
  folder?.close().catch(() => undefined);
}
