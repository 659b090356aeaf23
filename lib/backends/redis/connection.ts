import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { BackendUnavailableError } from '../../core';
import { loadSdk } from '../load-sdk';
import { redactUrl } from '../redact';
import { scrubbedError } from '../scrub';
import type { RedisSettings } from './check-options';
import { HangWatchdog } from './hang-watchdog';
import { RedisNotConnectedError, translateRedisError } from './redis-errors';
import { parseRedisUrl } from './redis-url';

type IoRedis = typeof import('ioredis');

/**
 * Fail fast while the server is away (no offline queue, no retried commands: an APPEND sent
 * twice would be refused) and keep reconnecting in the background. A hung server is the
 * HangWatchdog's.
 */
const NODE_OPTIONS: RedisOptions = {
  connectTimeout: 5000,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

const reconnectDelay = (attempt: number) => Math.min(50 * attempt, 1000);

/** ioredis's default connectTimeout. */
const IOREDIS_CONNECT_TIMEOUT_MS = 10_000;

/** The client aiofs talks through, and whether it owns it. */
export class RedisConnection {
  /** Until the client has been ready once: a caller's client may still be connecting. */
  private firstReady?: Promise<void>;

  constructor(
    /** Commands go through this; a Cluster routes them by key. */
    readonly client: Redis,
    readonly cluster: Cluster | undefined,
    readonly owned: boolean,
    /** host:port (or several), never a secret. */
    readonly location: string,
    private readonly watchdog?: HangWatchdog,
  ) {
    const used = cluster ?? client;
    if (used.status === 'ready') this.firstReady = Promise.resolve();
    else used.once('ready', () => (this.firstReady ??= Promise.resolve()));
  }

  /**
   * Waits, on the first call only, for a caller's client that is still connecting (or lazy) to
   * be ready, bounded by its connect timeout: a Cluster knows its masters and slots only then.
   * Later calls fail fast while a client reconnects, as the commands themselves do.
   */
  ready(): Promise<void> {
    const client = this.cluster ?? this.client;
    this.firstReady ??= untilReady(client).catch((error: unknown) => {
      this.firstReady = undefined; // the next call tries again
      throw error;
    });
    return this.firstReady;
  }

  /** The servers holding data: the one server, or every cluster master. */
  async masters(): Promise<Redis[]> {
    await this.ready();
    if (!this.cluster) return [this.client];
    const masters = this.cluster.nodes('master');
    if (masters.length === 0) throw new RedisNotConnectedError('no Redis Cluster master is known');
    // A master whose connection ended leaves the pool, but its slots still point at it: a scan
    // of the masters left would silently miss its keys. Every slot's master must be there.
    const known = new Set(masters.map((node) => `${node.options.host}:${node.options.port}`));
    const slots = this.cluster.slots;
    for (let slot = 0; slot < 16384; slot++) {
      const owner = slots[slot]?.[0];
      if (owner === undefined || !known.has(owner)) {
        this.cluster.refreshSlotsCache();
        throw new RedisNotConnectedError(
          owner === undefined
            ? `no Redis Cluster master serves slot ${slot}`
            : `the Redis Cluster master ${owner} (slot ${slot}) is unreachable`,
        );
      }
    }
    return masters;
  }

  /** PING; on a cluster, CLUSTER INFO of every master, which must say cluster_state:ok. */
  async ping(): Promise<void> {
    await this.ready();
    if (!this.cluster) {
      await this.client.ping();
      return;
    }
    const masters = await this.masters();
    const infos = await Promise.all(masters.map((node) => node.cluster('INFO') as Promise<string>));
    infos.forEach((info, i) => {
      const state = /cluster_state:(\w+)/.exec(info)?.[1];
      if (state !== 'ok') {
        const { host, port } = masters[i].options;
        throw new RedisNotConnectedError(`cluster_state:${state} at ${host}:${port}`);
      }
    });
  }

  /** Quits a client aiofs created; leaves the caller's own client open. */
  async close(): Promise<void> {
    this.watchdog?.stop();
    if (!this.owned) return;
    const client = this.cluster ?? this.client;
    const ended = new Promise((resolve) => client.once('end', resolve));
    try {
      if (client.status === 'ready') await client.quit();
    } catch {
      // already gone
    }
    client.disconnect();
    if (client.status !== 'end') await Promise.race([ended, delay(1000)]);
  }
}

/** Resolves once `client` is ready; rejects when it ends or its connect timeout passes first. */
async function untilReady(client: Redis | Cluster): Promise<void> {
  const options = client.isCluster
    ? (client as Cluster).options.redisOptions
    : (client as Redis).options;
  const timeoutMs = options?.connectTimeout ?? IOREDIS_CONNECT_TIMEOUT_MS;
  const what = client.isCluster ? 'The Redis Cluster' : 'The Redis client';
  if (client.status === 'end') throw new RedisNotConnectedError(`${what} was closed`);
  // A lazy client connects at its first command; connect() starts it (its failure is reported
  // by the wait below).
  if (client.status === 'wait') client.connect().catch(() => undefined);
  let onReady!: () => void;
  let onEnd!: () => void;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onEnd = () => reject(new RedisNotConnectedError(`${what} closed before it was ready`));
      client.once('ready', onReady);
      client.once('end', onEnd);
      timer = setTimeout(
        () => reject(new RedisNotConnectedError(`${what} was not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      if (client.status === 'ready') resolve();
    });
  } finally {
    clearTimeout(timer);
    client.off('ready', onReady);
    client.off('end', onEnd);
  }
}

function clientLocation(client: Redis | Cluster): string {
  if (client.isCluster) {
    const { startupNodes: nodes } = client as unknown as {
      startupNodes: Array<string | number | { host?: string; port?: number }>;
    };
    return nodes
      .map((n) =>
        typeof n === 'object' ? `${n.host ?? '127.0.0.1'}:${n.port ?? 6379}` : redactUrl(String(n)),
      )
      .join(',');
  }
  const { host, port, path } = (client as Redis).options;
  return path ?? `${host ?? '127.0.0.1'}:${port ?? 6379}`;
}

/** Connects to the server or cluster the settings name; BackendUnavailableError when it cannot. */
export async function connectRedis(settings: RedisSettings): Promise<RedisConnection> {
  const { source } = settings;
  if (source.kind === 'client') {
    const client = source.client as Redis | Cluster;
    const location = clientLocation(client);
    return client.isCluster
      ? new RedisConnection(client as unknown as Redis, client as Cluster, false, location)
      : new RedisConnection(client as Redis, undefined, false, location);
  }
  const sdk = loadSdk<IoRedis>('ioredis', 'redis');
  let client: Redis | Cluster;
  let location: string;
  // No retry while connecting the first time: an unreachable server fails createFileSystem at
  // once, and leaves no reconnection behind. Reconnection is switched on once connected.
  let keepReconnecting: () => void;
  if (source.kind === 'url') {
    // Parsed here, not by ioredis (Node's legacy parser may read a host out of a password).
    const url = parseRedisUrl(source.url);
    location = url.location;
    const { query, tls, ...fromUrl } = url.options;
    // As ioredis does with a URL: its parts and query win over the options; rediss:// means TLS
    // unless the options say how.
    const options: RedisOptions = {
      ...NODE_OPTIONS,
      enableOfflineQueue: false,
      retryStrategy: reconnectDelay,
      ...settings.redisOptions,
      ...query,
      ...fromUrl,
      ...(tls && settings.redisOptions.tls === undefined ? { tls: {} } : {}),
      lazyConnect: true,
    } as RedisOptions;
    const redis = new sdk.Redis({ ...options, retryStrategy: () => null });
    keepReconnecting = () => (redis.options.retryStrategy = options.retryStrategy);
    client = redis;
  } else {
    location = source.nodes.map((n) => `${n.host}:${n.port}`).join(',');
    const given = source.options as ClusterOptions;
    const options: ClusterOptions = {
      enableOfflineQueue: false,
      clusterRetryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
      slotsRefreshTimeout: 2000,
      ...given,
      redisOptions: { ...NODE_OPTIONS, ...settings.redisOptions, ...given.redisOptions },
      lazyConnect: true,
    };
    const cluster = new sdk.Cluster(source.nodes, { ...options, clusterRetryStrategy: () => null });
    keepReconnecting = () => (cluster.options.clusterRetryStrategy = options.clusterRetryStrategy);
    client = cluster;
  }
  // ioredis reports every failed reconnection as an 'error' event; aiofs reports failed calls.
  // The last one tells why a first connection failed (e.g. NOAUTH), where connect() says less.
  let reason: unknown;
  client.on('error', (error: unknown) => (reason = error));
  try {
    await client.connect();
  } catch (error) {
    if (client.status !== 'end') client.disconnect();
    const cause = reason ?? error;
    throw (
      translateRedisError(cause, location) ??
      new BackendUnavailableError('redis', location, { cause: scrubbedError(cause) })
    );
  }
  keepReconnecting();
  const cluster = source.kind === 'url' ? undefined : (client as Cluster);
  const watchdog = new HangWatchdog(
    () => (cluster ? cluster.nodes() : [client as Redis]),
    settings.replyTimeoutMs,
  );
  return new RedisConnection(client as Redis, cluster, true, location, watchdog);
}
