/** What the reliability suite's parent and its worker processes say to each other over IPC. */

export type Command =
  /** Opens `path` for writing at once; the winner logs its entry and keeps the handle. */
  | { op: 'contend'; path: string; log: string; tag: string }
  /** The winner of `contend` logs its exit and closes. */
  | { op: 'release'; log: string; tag: string }
  /** `count` read-modify-write increments of a counter file under `r+`. */
  | { op: 'increment'; path: string; count: number }
  /** Commits `versions` self-checking versions of `path`, cycling through `sizes` (records). */
  | { op: 'tornWrite'; path: string; writer: number; versions: number; sizes: number[] }
  /** Reads `path` in a loop until `stop`, checking every read. */
  | { op: 'tornRead'; path: string }
  | { op: 'stop' }
  /** Streams version `id` into `path`, with progress events, until killed or closed. */
  | {
      op: 'crashWrite';
      path: string;
      id: number;
      records: number;
      chunkBytes: number;
      paceMs: number;
      via: 'open' | 'stream';
    }
  | { op: 'exit' };

export interface WireError {
  name: string;
  code?: string;
  message: string;
}

export type Reply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

export interface Event {
  event: 'ready' | 'opened' | 'closing' | 'closed';
}

export interface ContendResult {
  won: boolean;
  error?: WireError;
}

export interface IncrementResult {
  /** The value each successful commit wrote. */
  committed: number[];
  /** Opens refused with BlockingIOError (retried). */
  blocked: number;
  /** Closes that threw (retried; must not have committed). */
  failedCommits: WireError[];
}

export interface TornWriteResult {
  commits: number;
  bytes: number;
  blocked: number;
}

export interface TornReadResult {
  reads: number;
  ranged: number;
  streamed: number;
  /** Reads that were not exactly one whole version (or the asked part of one). */
  torn: number;
  /** Reads that went back to an older version of a writer after a newer one. */
  stale: number;
  /** The first problems seen, for the failure message. */
  problems: string[];
}
