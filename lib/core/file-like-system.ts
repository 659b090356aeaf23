import type { Readable, Writable } from 'node:stream';
import type { FileLike } from './file-like';
import type { FileStat } from './file-stat';
import type { OpenMode } from './modes';
import type { OpenOptions, RmOptions, WriteFileOptions, WriteStreamOptions } from './options';
import type { ByteRange } from './ranges';

/**
 * A file system over one backend (DESIGN §2). Also the Nest injection token of the default
 * file system: `constructor(private readonly files: FileLikeSystem)`.
 */
export abstract class FileLikeSystem {
  abstract readonly backend: 'memory' | 'local' | 'redis' | 'azure' | (string & {});

  /** Opens a handle; every mode but `r` takes the path's lock first. */
  abstract open(path: string, mode?: OpenMode, options?: OpenOptions): Promise<FileLike>;
  /** Opens, runs `body`, then commits (or discards when `body` throws) and returns its result. */
  abstract open<T>(
    path: string,
    mode: OpenMode,
    body: (file: FileLike) => Promise<T>,
    options?: OpenOptions,
  ): Promise<T>;
  /** Matching files, sorted. Default `'*'`: every file. */
  abstract ls(pattern?: string): Promise<string[]>;
  /** The same set as `ls`, in any order, with bounded memory. */
  abstract scan(pattern?: string): AsyncIterable<string>;
  /** Removes paths and pattern matches; returns how many were removed. */
  abstract rm(target: string | string[], options?: RmOptions): Promise<number>;
  abstract exists(path: string): Promise<boolean>;
  abstract stat(path: string): Promise<FileStat>;
  /** The whole file, or `range` of it (`end` exclusive). */
  abstract readFile(path: string, range?: ByteRange): Promise<Buffer>;
  /** Replaces the whole file atomically. */
  abstract writeFile(
    path: string,
    data: Uint8Array | string,
    options?: WriteFileOptions,
  ): Promise<void>;
  /** Rejects with `FileNotFoundError` before streaming anything when the file is missing. */
  abstract openReadStream(path: string, range?: ByteRange): Promise<Readable>;
  /** A writer holding the lock; `end()` commits, `destroy()` discards. */
  abstract openWriteStream(path: string, options?: WriteStreamOptions): Promise<Writable>;
  abstract cp(from: string, to: string): Promise<void>;
  abstract mv(from: string, to: string): Promise<void>;
  /** Round trip to the backend in ms; throws when it is down. */
  abstract ping(): Promise<number>;
  /** Aborts the handles still open, releases their locks and closes what it owns. */
  abstract close(): Promise<void>;
}
