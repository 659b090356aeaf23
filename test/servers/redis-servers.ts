import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { StartedServers } from './started-servers';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;

/** Where redis-server and redis-cli are, or undefined with the reason. */
export function findRedisBinaries(): { server: string; cli: string } | string {
  const found = (name: string) => {
    const result = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const server = found('redis-server');
  const cli = found('redis-cli');
  if (!server) return 'redis-server is not installed (apt-get install redis-server)';
  if (!cli) return 'redis-cli is not installed (apt-get install redis-tools)';
  return { server, cli };
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/**
 * A free port, never Redis's default 6379. With `busOffset`, port + busOffset must be free too
 * (a cluster node's bus port).
 */
export async function freePort(busOffset?: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (port === 6379) continue;
    if (!(await isFree(port))) continue;
    if (busOffset !== undefined && !(await isFree(port + busOffset))) continue;
    return port;
  }
  throw new Error('no free port found for a test redis-server');
}

/** Sends one inline command with raw RESP over a socket; resolves with the reply text. */
function rawCommand(port: number, command: string, password?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timeout'));
    }, 2000);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      socket.write(`${password ? `AUTH ${password}\r\n` : ''}${command}\r\nQUIT\r\n`);
    });
    socket.on('data', (data) => (reply += data.toString()));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Servers still running: killed, their folders removed, if this process exits without stopping them. */
const running = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, dir] of running) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A private redis-server on a free port, in a temp folder, with no persistence. */
export class RedisServer {
  private process?: ChildProcess;
  private exited?: Promise<void>;
  readonly dir: string;

  private constructor(
    readonly port: number,
    private readonly binary: string,
    private readonly extraArgs: string[],
    readonly password?: string,
  ) {
    this.dir = mkdtempSync(nodePath.join(tmpdir(), `aiofs-redis-${port}-`));
  }

  /** Starts a server; `password` sets `--requirepass`, `args` are more redis-server options. */
  static async start(
    options: { port?: number; password?: string; args?: string[]; busOffset?: number } = {},
  ): Promise<RedisServer> {
    const binaries = findRedisBinaries();
    if (typeof binaries === 'string') throw new Error(binaries);
    const port = options.port ?? (await freePort(options.busOffset));
    const server = new RedisServer(port, binaries.server, options.args ?? [], options.password);
    await server.launch();
    return server;
  }

  get host(): string {
    return HOST;
  }

  get url(): string {
    return `redis://${this.password ? `:${encodeURIComponent(this.password)}@` : ''}${HOST}:${this.port}`;
  }

  get address(): string {
    return `${HOST}:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Sends one command (inline syntax) and returns the raw reply. */
  command(command: string): Promise<string> {
    return rawCommand(this.port, command, this.password);
  }

  /** Stops the process (SIGKILL: like a crash; the data is gone). The folder stays for restart(). */
  async kill(): Promise<void> {
    if (!this.process) return;
    this.process.kill('SIGKILL');
    await this.exited;
  }

  /** Freezes the process (SIGSTOP): a server that hangs without closing connections. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** Starts the server again on the same port (empty, unless started with persistence). */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /** Stops the server and removes its folder. */
  async stop(): Promise<void> {
    if (this.process) {
      this.resume();
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process?.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      HOST,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      '--daemonize',
      'no',
      '--logfile',
      nodePath.join(this.dir, 'redis.log'),
      ...(this.password ? ['--requirepass', this.password] : []),
      ...this.extraArgs,
    ];
    const child = spawn(this.binary, args, { stdio: 'ignore' });
    this.process = child;
    running.set(child, this.dir);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        if (this.process === child) this.process = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!this.process) throw new Error(`redis-server on port ${this.port} exited at start`);
      const reply = await this.command('PING').catch(() => '');
      if (reply.includes('+PONG')) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`redis-server on port ${this.port} did not answer PING`);
      }
      await sleep(20);
    }
  }
}

/** A local Redis Cluster of `masters` nodes and no replicas. */
export class RedisCluster {
  private constructor(readonly nodes: RedisServer[]) {}

  /** `args` are more redis-server options for every node (persistence, for example). */
  static async start(
    masters = 3,
    options: { nodeTimeoutMs?: number; args?: string[] } = {},
  ): Promise<RedisCluster> {
    const binaries = findRedisBinaries();
    if (typeof binaries === 'string') throw new Error(binaries);
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        nodes.push(
          await RedisServer.start({
            busOffset: 10_000,
            args: [
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              'nodes.conf',
              '--cluster-node-timeout',
              String(options.nodeTimeoutMs ?? 5000),
              ...(options.args ?? []),
            ],
          }),
        );
      }
      const create = spawnSync(
        binaries.cli,
        [
          '--cluster',
          'create',
          ...nodes.map((n) => n.address),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      if (create.status !== 0) {
        throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
      }
      const cluster = new RedisCluster(nodes);
      await cluster.waitUntilOk();
      return cluster;
    } catch (error) {
      await Promise.allSettled(nodes.map((n) => n.stop()));
      throw error;
    }
  }

  /** `host:port` of every node, comma-separated. */
  get addresses(): string {
    return this.nodes.map((n) => n.address).join(',');
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.stop()));
  }

  private async waitUntilOk(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const states = await Promise.all(
        this.nodes.map((n) => n.command('CLUSTER INFO').catch(() => '')),
      );
      if (states.every((s) => s.includes('cluster_state:ok'))) return;
      if (Date.now() > deadline) throw new Error('the test Redis Cluster did not reach state ok');
      await sleep(50);
    }
  }
}

/**
 * The global setup's Redis servers: one private redis-server and a 3-master cluster, on free
 * ports. Without redis-server, the suites get AIOFS_TEST_REDIS_UNAVAILABLE with the reason.
 */
export async function startRedisServers(): Promise<StartedServers> {
  const binaries = findRedisBinaries();
  if (typeof binaries === 'string') {
    return { env: { AIOFS_TEST_REDIS_UNAVAILABLE: binaries }, stop: async () => undefined };
  }
  const [single, cluster] = await Promise.allSettled([RedisServer.start(), RedisCluster.start()]);
  if (single.status === 'rejected' || cluster.status === 'rejected') {
    if (single.status === 'fulfilled') await single.value.stop();
    if (cluster.status === 'fulfilled') await cluster.value.stop();
    const error = (
      single.status === 'rejected' ? single.reason : (cluster as PromiseRejectedResult).reason
    ) as Error;
    const reason = `the test Redis servers could not start: ${error.message}`;
    return { env: { AIOFS_TEST_REDIS_UNAVAILABLE: reason }, stop: async () => undefined };
  }
  const started = { single: single.value, cluster: cluster.value };
  return {
    env: {
      AIOFS_TEST_REDIS_URL: started.single.url,
      AIOFS_TEST_REDIS_CLUSTER_NODES: started.cluster.addresses,
    },
    stop: async () => {
      await Promise.allSettled([started.single.stop(), started.cluster.stop()]);
    },
  };
}
