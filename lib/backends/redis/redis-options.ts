import type { CommonFileSystemOptions } from '../../core';

/** Options of the Redis backend. Types only: ioredis is loaded when the file system is created. */
export interface RedisFileSystemOptions extends CommonFileSystemOptions {
  backend: 'redis';
  /** `redis://[:password@]host:port/db` or `rediss://…`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** An ioredis `Redis` or `Cluster` of the caller's; aiofs leaves it open on `close()`. */
  client?: unknown;
  /** Redis Cluster seed nodes; aiofs creates an ioredis `Cluster` and owns it. */
  cluster?: {
    nodes: Array<string | { host: string; port: number }>;
    options?: Record<string, unknown>;
  };
  /** Prepended to every key (e.g. `'app:'`). Must not contain `{` or `}`. */
  keyPrefix?: string;
  /** Files expire this long after their last commit (the Python `expiry_s`). */
  ttlSeconds?: number;
  /**
   * How long a command may wait for its reply before aiofs deems the connection hung, fails what
   * waits on it with BackendUnavailableError and reconnects. Default 10 000. Clients aiofs
   * creates only.
   */
  replyTimeoutMs?: number;
  /** Extra ioredis options for a client aiofs creates (e.g. `tls`, `password`). */
  redisOptions?: Record<string, unknown>;
}
