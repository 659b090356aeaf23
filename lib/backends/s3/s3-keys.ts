import { RESERVED_PREFIX } from '../../core';
import { isAddressable, lockObjectName } from '../object-store/names';

/** Hidden folder of the snapshots `r` handles read from (deleted at close). */
export const SNAPSHOT_FOLDER = `${RESERVED_PREFIX}-snapshots/`;

/** The key layout of one file system: `prefix + path`, with aiofs's own objects hidden beside. */
export class S3Keys {
  constructor(readonly prefix: string) {}

  of(path: string): string {
    return this.prefix + path;
  }

  lock(path: string): string {
    return this.prefix + lockObjectName(path);
  }

  snapshot(id: string): string {
    return this.prefix + SNAPSHOT_FOLDER + id;
  }

  snapshots(): string {
    return this.prefix + SNAPSHOT_FOLDER;
  }

  probe(id: string): string {
    return `${this.prefix}${RESERVED_PREFIX}-probe-${id}`;
  }

  /** The path of a listed key, or undefined for keys aiofs cannot address or keeps hidden. */
  pathOf(key: string): string | undefined {
    if (!key.startsWith(this.prefix)) return undefined;
    const path = key.slice(this.prefix.length);
    return isAddressable(path) ? path : undefined;
  }
}
