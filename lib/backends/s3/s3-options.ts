import type { CommonFileSystemOptions } from '../../core';

/** Options of the S3 backend. Types only: the SDK is loaded when the file system is created. */
export interface S3FileSystemOptions extends CommonFileSystemOptions {
  backend: 's3';
  /** The bucket that holds the files. */
  bucket: string;
  /** A key prefix for this file system (`''` by default; a trailing `/` is implied). */
  prefix?: string;
  /** The bucket's region (default: the SDK's chain, e.g. AWS_REGION; `us-east-1` with an endpoint). */
  region?: string;
  /** An S3-compatible endpoint, e.g. `http://127.0.0.1:9000` for MinIO. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible stores need. */
  forcePathStyle?: boolean;
  /** Static keys; without them, the SDK's default chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** An `S3Client` of the caller's, used as it is; `close()` leaves it alone. */
  client?: unknown;
  /**
   * How long a request may go without a byte from the store before the try fails (100–600 000,
   * default 30 000); the SDK tries 3 times, then the call is BackendUnavailableError. Transfers
   * that keep moving are never cut. With your own `client`, set its requestHandler instead.
   */
  requestTimeoutMs?: number;
  /** Create the bucket at start when missing (default false). */
  createBucket?: boolean;
  /**
   * Skip the startup check that the store refuses a conditional write, and lock only within this
   * process. For stores that ignore `If-None-Match`/`If-Match`: nothing then stops two processes
   * from writing the same file at once.
   */
  unsafeNoLocks?: boolean;
}
