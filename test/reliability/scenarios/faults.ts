import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createFileSystem, type FileLikeSystem, type FileSystemOptions } from '../../../lib';
import { AzuriteServer } from '../../servers/azurite-server';
import { MotoServer } from '../../servers/moto-server';
import { HttpProxy } from '../../support/http-proxy';
import { RedisCluster, RedisServer } from '../../servers/redis-servers';
import { num, scenarioTest } from '../report/record';
import { COUNTS_NOW } from '../scale';
import { seqOf, verify, versionBytes, versionId } from '../support/versions';
import type { ReliabilityTarget } from '../targets';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** AOF with fsync at every write: a killed server comes back with every acknowledged commit. */
const DURABLE = ['--appendonly', 'yes', '--appendfsync', 'always'];

/** Private servers with a fault to inject: the scenario never touches the shared ones. */
interface Faulty {
  options: FileSystemOptions;
  /** What is stopped: "redis-server killed (SIGKILL)", … */
  fault(cycle: number): string;
  /** Stops (kills) the server or node of this cycle. */
  down(cycle: number): Promise<void>;
  /** Starts it again on the same port with the same data. */
  up(cycle: number): Promise<void>;
  stop(): Promise<void>;
}

async function startFaulty(target: ReliabilityTarget): Promise<Faulty> {
  if (target.name === 'redis') {
    const server = await RedisServer.start({ args: DURABLE });
    return {
      options: {
        backend: 'redis',
        url: server.url,
        keyPrefix: 'faults:',
        replyTimeoutMs: 2000,
        lockTtlMs: 3000,
      },
      fault: () => 'redis-server killed (SIGKILL), restarted',
      down: () => server.kill(),
      up: () => server.restart(),
      stop: () => server.stop(),
    };
  }
  if (target.name === 'redis-cluster') {
    const { nodes } = await RedisCluster.start(3, { nodeTimeoutMs: 2000, args: DURABLE });
    return {
      options: {
        backend: 'redis',
        cluster: { nodes: nodes.map((n) => n.address) },
        keyPrefix: 'faults:',
        replyTimeoutMs: 2000,
        lockTtlMs: 3000,
      },
      fault: (cycle) => `cluster node ${(cycle % 3) + 1} of 3 killed (SIGKILL), restarted`,
      down: (cycle) => nodes[cycle % 3].kill(),
      up: (cycle) => nodes[cycle % 3].restart(),
      stop: async () => void (await Promise.allSettled(nodes.map((n) => n.stop()))),
    };
  }
  if (target.name === 'azure') {
    const server = await AzuriteServer.start({ inMemory: false });
    return {
      options: {
        backend: 'azure',
        connectionString: server.connectionString,
        container: 'faults',
        maxTries: 2,
        requestTimeoutMs: 5000,
        lockTtlMs: 15_000,
      },
      fault: () => 'Azurite stopped (SIGTERM), started again (blobs on disk)',
      down: () => server.halt(),
      up: () => server.launch(),
      stop: () => server.stop(),
    };
  }
  if (target.name === 's3') {
    // moto keeps its data in memory only: the store is cut off (its loopback proxy stopped and
    // started again on the same port) rather than killed, so that the data outlives the fault.
    const server = await MotoServer.start();
    const proxy = await HttpProxy.start(server.endpoint);
    return {
      options: {
        backend: 's3',
        bucket: 'faults',
        endpoint: proxy.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'aiofs-test', secretAccessKey: 'aiofs-test-secret' },
        createBucket: true,
        lockTtlMs: 3000,
      },
      fault: () =>
        'moto unreachable (its loopback proxy stopped, all connections cut), reachable again',
      down: () => proxy.stop(),
      up: () => proxy.resume(),
      stop: async () => {
        await proxy.stop();
        await server.stop();
      },
    };
  }
  throw new Error(`no server faults for ${target.name}`);
}

interface LoopStats {
  name: string;
  writer: boolean;
  ok: number;
  failures: Record<string, number>;
  /** The slowest failing call, ms. */
  slowestFailureMs: number;
  /** Failures that were neither BackendUnavailableError nor (writers) BlockingIOError. */
  unexpected: string[];
  /** Reads that were not one whole version. */
  torn: string[];
  /** The last failure, and when the call in flight started: why a loop did not recover. */
  lastError?: string;
  callStartedAt?: number;
}

/** Commits `data` to `path` in one of three ways. */
async function commit(fs: FileLikeSystem, path: string, data: Buffer, how: number): Promise<void> {
  if (how === 0) return fs.writeFile(path, data);
  if (how === 1) {
    return fs.open(path, 'w', async (file) => {
      for (let at = 0; at < data.length; at += 256 * 1024)
        await file.write(data.subarray(at, at + 256 * 1024));
    });
  }
  const chunks = function* () {
    for (let at = 0; at < data.length; at += 200_000) yield data.subarray(at, at + 200_000);
  };
  await pipeline(Readable.from(chunks()), await fs.openWriteStream(path));
}

async function readStream(fs: FileLikeSystem, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await fs.openReadStream(path)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const WRITERS = 3;
const SIZES = [1, 1000, 70_000]; // 16 B, 16 KiB, 1.1 MiB (past a Redis chunk)

/**
 * Scenario 5: private servers (persistence on) under load from one process's file systems —
 * writers committing self-checking versions, readers, read streams, listings — while the server
 * (or one cluster node) is killed and started again, `faultCycles` times. Every failure must be
 * BackendUnavailableError (writers may also get BlockingIOError: a lease lost while the server
 * was away, or the lock a dead handle left until its TTL) within a bound; every read must be a
 * whole version; afterwards every file must hold its last acknowledged commit (or a later
 * attempted one whose reply was lost), and the same file system objects must work again.
 */
export function faultScenario(target: ReliabilityTarget): void {
  const cycles = COUNTS_NOW.faultCycles;
  const azure = target.name === 'azure';
  // Redis fails fast or after replyTimeoutMs (2 s); Azure after 2 tries of up to 5 s plus the SDK's retry delay.
  const failBoundMs = azure ? 20_000 : 10_000;
  const downMs = 2000;
  scenarioTest(
    'faults',
    target.name,
    `${cycles} server faults under load: BackendUnavailableError in bounded time, nothing half-written, the same objects recover`,
    async () => {
      const faulty = await startFaulty(target);
      const fs = await createFileSystem(faulty.options);
      const stats: LoopStats[] = [];
      const acked = new Map<string, number>();
      const attempted = new Map<string, number>();
      let stopping = false;
      let back = 0;
      let firstOk = new Map<string, number>();
      const recoveries: number[] = [];
      const faults: string[] = [];
      const paths = Array.from({ length: WRITERS }, (_, k) => `fault/w${k + 1}.bin`);

      const loop = async (name: string, writer: boolean, body: () => Promise<void>) => {
        const s: LoopStats = {
          name,
          writer,
          ok: 0,
          failures: {},
          slowestFailureMs: 0,
          unexpected: [],
          torn: [],
        };
        stats.push(s);
        while (!stopping) {
          const started = Date.now();
          s.callStartedAt = started;
          try {
            await body();
            s.ok++;
            if (back && !firstOk.has(name)) firstOk.set(name, Date.now());
          } catch (error) {
            const e = error as Error;
            const ms = Date.now() - started;
            s.failures[e.name] = (s.failures[e.name] ?? 0) + 1;
            s.lastError = `${e.name}: ${e.message}`;
            s.slowestFailureMs = Math.max(s.slowestFailureMs, ms);
            const allowed =
              e.name === 'BackendUnavailableError' || (writer && e.name === 'BlockingIOError');
            if (!allowed && s.unexpected.length < 5) s.unexpected.push(`${e.name}: ${e.message}`);
            await sleep(50);
          }
          await sleep(10);
        }
      };
      const check = (s: () => LoopStats, data: Buffer) => {
        const verdict = verify(data, { whole: true });
        if (!verdict.ok && s().torn.length < 5) s().torn.push(verdict.reason);
      };

      try {
        for (const [k, p] of paths.entries()) {
          await fs.writeFile(p, versionBytes(versionId(k + 1, 0), 4));
          acked.set(p, 0);
          attempted.set(p, 0);
        }
        const loops: Promise<void>[] = [];
        for (const [k, p] of paths.entries()) {
          let seq = 0;
          loops.push(
            loop(`writer ${k + 1}`, true, async () => {
              seq++;
              attempted.set(p, seq);
              await commit(
                fs,
                p,
                versionBytes(versionId(k + 1, seq), SIZES[seq % SIZES.length]),
                seq % 3,
              );
              acked.set(p, seq);
            }),
          );
        }
        for (let r = 0; r < 2; r++) {
          const me = () => stats.find((s) => s.name === `reader ${r + 1}`)!;
          loops.push(
            loop(`reader ${r + 1}`, false, async () => {
              for (const p of paths) check(me, await fs.readFile(p));
            }),
          );
        }
        const streamer = () => stats.find((s) => s.name === 'read stream')!;
        loops.push(
          loop('read stream', false, async () => {
            for (const p of paths) check(streamer, await readStream(fs, p));
          }),
        );
        // ping is the strictest: on a cluster, every master must say cluster_state:ok again.
        loops.push(
          loop('ping', false, async () => {
            await fs.ping();
          }),
        );
        const lister = () => stats.find((s) => s.name === 'ls')!;
        loops.push(
          loop('ls', false, async () => {
            const listed = await fs.ls('fault/*');
            if (JSON.stringify(listed) !== JSON.stringify(paths) && lister().torn.length < 5)
              lister().torn.push(`ls gave ${JSON.stringify(listed)}`);
          }),
        );

        for (let cycle = 0; cycle < cycles; cycle++) {
          await sleep(1500);
          faults.push(faulty.fault(cycle));
          await faulty.down(cycle);
          await sleep(downMs);
          firstOk = new Map();
          await faulty.up(cycle);
          back = Date.now();
          const deadline = back + 120_000;
          while (firstOk.size < stats.length && Date.now() < deadline) await sleep(20);
          const missing = stats
            .filter((s) => !firstOk.has(s.name))
            .map(
              (s) =>
                `${s.name} (failures ${JSON.stringify(s.failures)}, last ${s.lastError}, ` +
                `call in flight for ${Date.now() - (s.callStartedAt ?? 0)} ms)`,
            );
          expect({ cycle, notRecovered: missing }).toEqual({ cycle, notRecovered: [] });
          recoveries.push(Math.max(...[...firstOk.values()].map((t) => t - back)));
          back = 0;
        }
        await sleep(1000);
        stopping = true;
        await Promise.all(loops);

        // Afterwards: each file is one whole version, at least the last acknowledged one.
        const behind: string[] = [];
        for (const p of paths) {
          const verdict = verify(await fs.readFile(p), { whole: true });
          expect({ p, verdict: verdict.ok }).toEqual({ p, verdict: true });
          const seq = verdict.ok ? seqOf(verdict.id) : -1;
          if (seq < acked.get(p)! || seq > attempted.get(p)!)
            behind.push(
              `${p}: version ${seq}, acknowledged ${acked.get(p)}, attempted ${attempted.get(p)}`,
            );
        }
        expect(behind).toEqual([]);
        expect(await fs.ls()).toEqual(paths);
        expect(await fs.ping()).toBeGreaterThanOrEqual(0);

        const torn = stats.flatMap((s) => s.torn);
        const unexpected = stats.flatMap((s) => s.unexpected.map((u) => `${s.name}: ${u}`));
        const slowestFailureMs = Math.max(...stats.map((s) => s.slowestFailureMs));
        const count = (name: string) => stats.reduce((n, s) => n + (s.failures[name] ?? 0), 0);
        const ok = stats.reduce((n, s) => n + s.ok, 0);
        const commits = [...acked.values()].reduce((a, b) => a + b, 0);
        expect(torn).toEqual([]);
        expect(unexpected).toEqual([]);
        expect(slowestFailureMs).toBeLessThanOrEqual(failBoundMs);
        const unavailable = count('BackendUnavailableError');
        const blocked = count('BlockingIOError');
        expect(unavailable).toBeGreaterThan(0); // the faults were felt
        const slowestRecovery = Math.max(...recoveries);
        return {
          load: `${cycles} faults (${[...new Set(faults)].join('; ')}; down ${downMs / 1000} s each) under ${WRITERS} writers, 2 readers, 1 read stream, 1 lister, 1 ping loop on the same file system object; ${num(ok)} calls succeeded, ${num(commits)} commits acknowledged`,
          result: `failures: ${num(unavailable)} BackendUnavailableError, ${num(blocked)} BlockingIOError (writers), other 0; slowest failing call ${(slowestFailureMs / 1000).toFixed(2)} s (bound ${failBoundMs / 1000} s); half-written or torn visible 0; acknowledged commits lost 0; recovery (server back → every loop succeeding again) ${recoveries.map((r) => (r / 1000).toFixed(2)).join(' / ')} s, slowest ${(slowestRecovery / 1000).toFixed(2)} s`,
          numbers: {
            faults: cycles,
            calls: ok,
            commits,
            unavailable,
            blocked,
            torn: torn.length,
            slowestFailureMs,
            slowestRecoveryMs: slowestRecovery,
          },
        };
      } finally {
        stopping = true;
        await fs.close().catch(() => undefined);
        await faulty.stop();
      }
    },
    1_800_000,
  );
}
