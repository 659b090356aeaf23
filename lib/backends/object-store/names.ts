import { createHash } from 'node:crypto';
import { normalizePath, RESERVED_PREFIX } from '../../core';

/** Hidden folder of the lock objects; its name is reserved, so no path can reach it. */
export const LOCK_FOLDER = `${RESERVED_PREFIX}-locks/`;

/** The lock object of `path`: hashed, so that any path up to 1024 bytes gets a short name. */
export function lockObjectName(path: string): string {
  return LOCK_FOLDER + createHash('sha256').update(path).digest('hex');
}

/**
 * Whether a stored name is a path aiofs can address. Not the lock objects (their folder's name is
 * reserved) nor anything another client named outside the path rules (`a//b`, a trailing `/`).
 */
export function isAddressable(name: string): boolean {
  try {
    return normalizePath(name) === name;
  } catch {
    return false;
  }
}
