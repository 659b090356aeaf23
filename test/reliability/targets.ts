import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { FileSystemOptions } from '../../lib';
import { describeIfRunning } from '../support/describe-if-running';

/** A backend of the reliability suite, on the global setup's shared servers. */
export interface ReliabilityTarget {
  name: 'local' | 'redis' | 'redis-cluster' | 'azure' | 's3';
  /** Options (JSON) of a fresh, empty store, with `extra` options. */
  newStore(extra?: Partial<FileSystemOptions>): FileSystemOptions;
  /** The shortest lease the backend allows; the crash scenario uses it. */
  shortestLockTtlMs: number;
  /**
   * The grain of the server clock that expires a lock (S3: HTTP dates in whole seconds). A
   * contender that first looks late may see an expired lock up to two grains after its TTL.
   */
  lockClockGrainMs?: number;
  /** Version sizes (in 16-byte records) the torn-read writers cycle through. */
  tornSizes: number[];
  /** Why its servers are missing, or undefined. */
  unavailable(): string | undefined;
}

// 16 B, 112 B, 16 KiB, 1.1 MiB (past a Redis chunk), 3.2 MiB
const SIZES = [1, 7, 1000, 70_000, 200_000];

let localBase: string | undefined;
function localRoot(): string {
  if (!localBase) {
    localBase = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-reliability-'));
    afterAll(() => rmSync(localBase!, { recursive: true, force: true }));
  }
  return nodePath.join(localBase, `store-${randomBytes(4).toString('hex')}`);
}

const prefix = () => `reliability:${randomBytes(6).toString('hex')}:`;
const container = () => `reliability-${randomBytes(6).toString('hex')}`;

export const TARGETS: Record<ReliabilityTarget['name'], ReliabilityTarget> = {
  local: {
    name: 'local',
    newStore: (extra = {}) =>
      ({ backend: 'local', root: localRoot(), ...extra }) as FileSystemOptions,
    shortestLockTtlMs: 1000,
    tornSizes: SIZES,
    unavailable: () => undefined,
  },
  redis: {
    name: 'redis',
    newStore: (extra = {}) =>
      ({
        backend: 'redis',
        url: process.env.AIOFS_TEST_REDIS_URL!,
        keyPrefix: prefix(),
        ...extra,
      }) as FileSystemOptions,
    shortestLockTtlMs: 1000,
    tornSizes: SIZES,
    unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
  },
  'redis-cluster': {
    name: 'redis-cluster',
    newStore: (extra = {}) =>
      ({
        backend: 'redis',
        cluster: { nodes: (process.env.AIOFS_TEST_REDIS_CLUSTER_NODES ?? '').split(',') },
        keyPrefix: prefix(),
        ...extra,
      }) as FileSystemOptions,
    shortestLockTtlMs: 1000,
    tornSizes: SIZES,
    unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
  },
  azure: {
    name: 'azure',
    newStore: (extra = {}) =>
      ({
        backend: 'azure',
        connectionString: process.env.AIOFS_TEST_AZURE_CONNECTION_STRING!,
        container: container(),
        ...extra,
      }) as FileSystemOptions,
    shortestLockTtlMs: 15_000,
    // and 9.6 MiB: past one 8 MiB block and one 8 MiB ranged GET
    tornSizes: [...SIZES, 600_000],
    unavailable: () => process.env.AIOFS_TEST_AZURE_UNAVAILABLE,
  },
  s3: {
    name: 's3',
    newStore: (extra = {}) =>
      ({
        backend: 's3',
        bucket: container(),
        endpoint: process.env.AIOFS_TEST_S3_ENDPOINT!,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'aiofs-test', secretAccessKey: 'aiofs-test-secret' },
        createBucket: true,
        ...extra,
      }) as FileSystemOptions,
    shortestLockTtlMs: 1000,
    lockClockGrainMs: 1000,
    // and 9.6 MiB: past one 8 MiB part and one 8 MiB ranged GET
    tornSizes: [...SIZES, 600_000],
    unavailable: () => process.env.AIOFS_TEST_S3_UNAVAILABLE,
  },
};

/** `describe` when the target's servers run; a loud skip, or a failure under AIOFS_TEST_REQUIRE_ALL=1. */
export function describeTarget(target: ReliabilityTarget, name: string, body: () => void): void {
  describeIfRunning(name, target.name, target.unavailable(), body);
}
