import { readlinkSync } from 'node:fs';
import { DescriptorFolder, SharedFolder, type HeldFolder } from './held-folder';

/** How many folders' descriptors stay open between calls. */
const CAPACITY = 64;

/**
 * The descriptors of recently used folders, so that a call on a file in a folder used a moment
 * ago needs no walk. One is used only after the kernel says, at that moment, that the descriptor
 * is the folder at exactly `<root>/<rel>` (`/proc/self/fd/<fd>` names where it is, or ends in
 * "(deleted)"): a folder removed, renamed, moved out of the root or replaced since it was walked
 * to is dropped, and the walk runs again. Only folders reached without following a symlink are
 * kept, so a cached one always stands for the same path.
 */
export class FolderCache {
  /** In order of use, the least recent first. */
  private readonly folders = new Map<string, SharedFolder>();
  private closed = false;

  constructor(private readonly root: string) {}

  /** A share of the folder `rel` when one is kept and is still there. */
  take(rel: string): HeldFolder | undefined {
    const shared = this.folders.get(rel);
    if (!shared) return undefined;
    this.folders.delete(rel);
    if (!this.isAt(shared.fd, rel)) {
      void shared.retire().catch(() => undefined);
      return undefined;
    }
    this.folders.set(rel, shared);
    return shared.share();
  }

  /**
   * Keeps `folder`, just walked to at `rel`, and returns a share of it to use instead; or
   * `folder` itself when it cannot be kept (the kernel names it otherwise, as under some mounts).
   */
  keep(rel: string, folder: DescriptorFolder): HeldFolder {
    // After close, a call still in flight keeps nothing: its folder is closed by the call itself.
    if (this.closed || this.folders.has(rel) || !this.isAt(folder.fd, rel)) return folder;
    const shared = new SharedFolder(folder);
    this.folders.set(rel, shared);
    if (this.folders.size > CAPACITY) {
      const [oldest, evicted] = this.folders.entries().next().value as [string, SharedFolder];
      this.folders.delete(oldest);
      void evicted.retire().catch(() => undefined);
    }
    return shared.share();
  }

  /** Forgets `rel` (a folder just removed). */
  drop(rel: string): void {
    const shared = this.folders.get(rel);
    if (!shared) return;
    this.folders.delete(rel);
    void shared.retire().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.folders.values()];
    this.folders.clear();
    await Promise.all(all.map((shared) => shared.retire().catch(() => undefined)));
  }

  private isAt(fd: number, rel: string): boolean {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === `${this.root}/${rel}`;
    } catch {
      return false;
    }
  }
}
