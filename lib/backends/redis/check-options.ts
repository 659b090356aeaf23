import { checkLockTtl, InvalidArgumentError } from '../../core';
import { redactUrl } from '../redact';
import type { RedisFileSystemOptions } from './redis-options';
import { parseRedisUrl } from './redis-url';

export type RedisSource =
  | { kind: 'url'; url: string }
  | { kind: 'client'; client: object }
  | {
      kind: 'cluster';
      nodes: Array<{ host: string; port: number }>;
      options: Record<string, unknown>;
    };

/** Checked Redis options, before any connection is made. */
export interface RedisSettings {
  source: RedisSource;
  keyPrefix: string;
  /** Seconds, or undefined: files never expire. */
  ttlSeconds?: number;
  lockTtlMs?: number;
  /** How long a command may wait for its reply before its connection counts as hung. */
  replyTimeoutMs: number;
  redisOptions: Record<string, unknown>;
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const DEFAULT_REPLY_TIMEOUT_MS = 10_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalObject(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new InvalidArgumentError(`${name} must be an object`);
  if (value.keyPrefix !== undefined) {
    throw new InvalidArgumentError(
      `${name}.keyPrefix is not supported: give aiofs's own keyPrefix option instead`,
    );
  }
  return value;
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string' || !/^rediss?:\/\//i.test(url)) {
    throw new InvalidArgumentError(
      `url must be a redis:// or rediss:// URL, not ${typeof url === 'string' ? JSON.stringify(redactUrl(url)) : typeof url}`,
    );
  }
  parseRedisUrl(url);
  return url;
}

function checkNode(node: unknown): { host: string; port: number } {
  if (typeof node === 'string') {
    // A host never holds '@', '/' or a space: such a string may carry a password.
    const match = /^([^\s@/]+|\[[^\s@/\]]+\]):(\d+)$/.exec(node);
    if (match)
      return checkNode({ host: match[1].replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) });
  } else if (isPlainObject(node)) {
    const { host, port } = node;
    if (
      typeof host === 'string' &&
      host !== '' &&
      typeof port === 'number' &&
      Number.isInteger(port) &&
      port > 0 &&
      port < 65536
    ) {
      return { host, port };
    }
  }
  throw new InvalidArgumentError(
    `cluster.nodes holds 'host:port' strings or { host, port } objects, not ${describeNode(node)}`,
  );
}

/** A node for a message: a string redacted, an object by its host and port only. */
function describeNode(node: unknown): string {
  if (typeof node === 'string') return JSON.stringify(redactUrl(node));
  if (isPlainObject(node)) {
    const { host, port } = node;
    return `{ host: ${JSON.stringify(typeof host === 'string' ? redactUrl(host) : typeof host)}, port: ${JSON.stringify(typeof port === 'number' ? port : typeof port)} }`;
  }
  return node === null ? 'null' : typeof node;
}

function checkClient(client: unknown): object {
  const candidate = client as {
    isCluster?: unknown;
    sendCommand?: unknown;
    options?: { keyPrefix?: unknown; redisOptions?: { keyPrefix?: unknown } };
  };
  if (
    !candidate ||
    typeof candidate !== 'object' ||
    typeof candidate.isCluster !== 'boolean' ||
    typeof candidate.sendCommand !== 'function'
  ) {
    throw new InvalidArgumentError('client must be an ioredis Redis or Cluster');
  }
  if (candidate.options?.keyPrefix || candidate.options?.redisOptions?.keyPrefix) {
    throw new InvalidArgumentError(
      "the client has its own keyPrefix, which SCAN ignores: create it without one and give aiofs's keyPrefix option instead",
    );
  }
  return candidate;
}

/** Checks every option (typed InvalidArgumentError) before anything connects. */
export function checkRedisOptions(options: RedisFileSystemOptions): RedisSettings {
  if (!isPlainObject(options)) throw new InvalidArgumentError('Redis options must be an object');
  const given = (['url', 'client', 'cluster'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) {
    throw new InvalidArgumentError(
      `Give one of url, client or cluster, not ${given.join(' and ')}`,
    );
  }
  for (const own of ['redisOptions', 'replyTimeoutMs'] as const) {
    if (options.client !== undefined && options[own] !== undefined) {
      throw new InvalidArgumentError(
        `${own} configures a client aiofs creates; configure your own client instead`,
      );
    }
  }
  let source: RedisSource;
  if (options.client !== undefined) {
    source = { kind: 'client', client: checkClient(options.client) };
  } else if (options.cluster !== undefined) {
    const cluster = options.cluster as unknown;
    if (!isPlainObject(cluster) || !Array.isArray(cluster.nodes) || cluster.nodes.length === 0) {
      throw new InvalidArgumentError(
        "cluster must be { nodes: ['host:port', …], options? } with at least one node",
      );
    }
    source = {
      kind: 'cluster',
      nodes: cluster.nodes.map(checkNode),
      options: optionalObject('cluster.options', cluster.options),
    };
  } else {
    source = { kind: 'url', url: checkUrl(options.url ?? DEFAULT_URL) };
  }
  const keyPrefix = options.keyPrefix ?? '';
  if (typeof keyPrefix !== 'string') {
    throw new InvalidArgumentError(`keyPrefix must be a string, not ${typeof keyPrefix}`);
  }
  if (/[{}]/.test(keyPrefix)) {
    throw new InvalidArgumentError(
      `keyPrefix must not contain '{' or '}' (they would make a cluster hash tag): ${JSON.stringify(keyPrefix)}`,
    );
  }
  const ttl = options.ttlSeconds;
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 1)) {
    throw new InvalidArgumentError(`ttlSeconds must be a whole number ≥ 1, not ${String(ttl)}`);
  }
  checkLockTtl(options.lockTtlMs);
  const reply = options.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
  if (typeof reply !== 'number' || !Number.isSafeInteger(reply) || reply < 1) {
    throw new InvalidArgumentError(
      `replyTimeoutMs must be a whole number of ms ≥ 1, not ${String(options.replyTimeoutMs)}`,
    );
  }
  return {
    source,
    keyPrefix,
    ttlSeconds: ttl,
    lockTtlMs: options.lockTtlMs,
    replyTimeoutMs: reply,
    redisOptions: optionalObject('redisOptions', options.redisOptions),
  };
}
