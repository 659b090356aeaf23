import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { Redis } from 'ioredis';
import { RedisKeys } from '../../lib/backends/redis/keys';

/** A backend the sample runs on, chosen only by env variables. */
export interface SampleTarget {
  name: string;
  /** Env variables of a fresh, empty store (AIOFS_URL and its secrets). */
  env(): Record<string, string>;
  unavailable?: () => string | undefined;
  /** Called after each test, e.g. to check nothing was written outside a local root. */
  afterEach?: () => void;
  /** The backend gives ETag and Last-Modified (Redis keeps neither). */
  validators: boolean;
  /**
   * What aiofs keeps in the store beside the files — temp files and keys, lock entries,
   * snapshots, uncommitted blocks — for the checks that an aborted upload leaves nothing.
   */
  leftovers?(env: Record<string, string>): Promise<string[]>;
  /**
   * Azure: blobs holding staged blocks that no commit took (reported, not asserted: the service
   * keeps them until the blob's next block-list commit or for 7 days, and Azurite keeps listing
   * them even after the blob is deleted or overwritten).
   */
  uncommittedBlocks?(env: Record<string, string>): Promise<string[]>;
  /** What must never reach a client: a disk path, a key prefix, a key. */
  secrets(env: Record<string, string>): string[];
}

const localBase = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-e2e-'));
afterAll(() => rmSync(localBase, { recursive: true, force: true }));
let localRoots = 0;
let containers = 0;

const rootOf = (env: Record<string, string>) => env.AIOFS_URL.replace(/^file:\/\//, '');
const prefixOf = (env: Record<string, string>) =>
  new URL(env.AIOFS_URL).searchParams.get('keyPrefix')!;

/** Every entry under `dir` whose path has a hidden `.aiofs` segment: temp files, lock entries. */
async function hiddenEntries(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const relative = `${prefix}${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.aiofs')) {
        const inside = await hiddenEntries(nodePath.join(dir, entry.name), `${relative}/`);
        found.push(...inside.filter((p) => !p.endsWith('/')));
      } else {
        found.push(...(await hiddenEntries(nodePath.join(dir, entry.name), `${relative}/`)));
      }
    } else if (relative.split('/').some((segment) => segment.startsWith('.aiofs'))) {
      found.push(relative);
    }
  }
  return found;
}

async function redisLeftovers(url: string, prefix: string, cluster?: string): Promise<string[]> {
  const keys = new RedisKeys(prefix);
  const clients = cluster
    ? cluster.split(',').map((node) => new Redis(`redis://${node}`, { lazyConnect: true }))
    : [new Redis(url.split('?')[0], { lazyConnect: true })];
  const found: string[] = [];
  for (const client of clients) {
    await client.connect();
    let cursor = '0';
    do {
      const [next, batch] = await client.scanBuffer(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = String(next);
      for (const key of batch) if (keys.pathOf(key) === undefined) found.push(key.toString());
    } while (cursor !== '0');
    client.disconnect();
  }
  return found;
}

function azureContainer(env: Record<string, string>) {
  return BlobServiceClient.fromConnectionString(
    env.AIOFS_AZURE_CONNECTION_STRING,
  ).getContainerClient(env.AIOFS_URL.replace('azure://', ''));
}

/** aiofs's own blobs (lock blobs) and reader snapshots left in the container. */
async function azureLeftovers(env: Record<string, string>): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of azureContainer(env).listBlobsFlat({ includeSnapshots: true })) {
    if (blob.snapshot) found.push(`${blob.name} (snapshot)`);
    else if (blob.name.startsWith('.aiofs')) found.push(blob.name);
  }
  return found;
}

async function azureUncommitted(env: Record<string, string>): Promise<string[]> {
  const container = azureContainer(env);
  const found: string[] = [];
  for await (const blob of container.listBlobsFlat({ includeUncommitedBlobs: true })) {
    const list = await container.getBlockBlobClient(blob.name).getBlockList('uncommitted');
    if (list.uncommittedBlocks?.length) {
      found.push(`${blob.name} (${list.uncommittedBlocks.length} uncommitted blocks)`);
    }
  }
  return found;
}

const redisUrl = () => process.env.AIOFS_TEST_REDIS_URL ?? '';
const clusterNodes = () => process.env.AIOFS_TEST_REDIS_CLUSTER_NODES ?? '';
const azureConnection = () => process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '';

/**
 * Every backend the HTTP suite runs on. A backend is one entry here and a one-line spec file
 * (`describeSampleE2E(TARGETS.s3)` in `s3.e2e.spec.ts`), so that jest runs the backends in parallel.
 */
export const TARGETS = {
  memory: {
    name: 'memory',
    env: () => ({ AIOFS_URL: 'memory://' }),
    validators: true,
    secrets: () => [],
  },
  local: {
    name: 'local',
    env: () => ({ AIOFS_URL: `file://${nodePath.join(localBase, `root-${++localRoots}`)}` }),
    // nothing ever lands beside the roots
    afterEach: () =>
      expect(readdirSync(localBase).every((entry) => /^root-\d+$/.test(entry))).toBe(true),
    validators: true,
    leftovers: (env) => hiddenEntries(rootOf(env)),
    secrets: (env) => [rootOf(env), localBase],
  },
  redis: {
    name: 'redis',
    unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
    env: () => ({
      AIOFS_URL: `${redisUrl()}?keyPrefix=e2e:${randomBytes(6).toString('hex')}:`,
    }),
    validators: false,
    leftovers: (env) => redisLeftovers(env.AIOFS_URL, prefixOf(env)),
    secrets: (env) => [prefixOf(env)],
  },
  'redis-cluster': {
    name: 'redis-cluster',
    unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
    env: () => ({
      AIOFS_URL: `redis://${clusterNodes().split(',')[0]}?keyPrefix=e2e:${randomBytes(6).toString('hex')}:`,
      AIOFS_REDIS_CLUSTER_NODES: clusterNodes(),
    }),
    validators: false,
    leftovers: (env) => redisLeftovers(env.AIOFS_URL, prefixOf(env), clusterNodes()),
    secrets: (env) => [prefixOf(env)],
  },
  azure: {
    name: 'azure',
    unavailable: () => process.env.AIOFS_TEST_AZURE_UNAVAILABLE,
    env: () => ({
      AIOFS_URL: `azure://e2e-${process.pid}-${++containers}`,
      AIOFS_AZURE_CONNECTION_STRING: azureConnection(),
    }),
    validators: true,
    leftovers: azureLeftovers,
    uncommittedBlocks: azureUncommitted,
    secrets: (env) => [/AccountKey=([^;]+)/.exec(env.AIOFS_AZURE_CONNECTION_STRING)?.[1] ?? ''],
  },
} satisfies Record<string, SampleTarget>;
