/** Options of `open`. */
export interface OpenOptions {
  /** How long to wait for another writer's lock before `BlockingIOError`. Default 0: fail at once. */
  lockTimeoutMs?: number;
}

export interface WriteStreamOptions extends OpenOptions {
  mode?: 'w' | 'a' | 'x';
}

export interface WriteFileOptions {
  /** Fail with `FileExistsError` when the file exists (like mode `x`). */
  exclusive?: boolean;
}

export interface RmOptions {
  /** A missing plain path is not an error. */
  missingOk?: boolean;
}

/** Options every backend takes. */
export interface CommonFileSystemOptions {
  /** Lease of a writer's lock, renewed while the handle is open. Default 30 000 ms. */
  lockTtlMs?: number;
}

export const DEFAULT_LOCK_TTL_MS = 30_000;
