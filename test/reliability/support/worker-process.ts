import { fork, type ChildProcess } from 'node:child_process';
import * as nodePath from 'node:path';
import type { Command, Event, Reply, WireError } from './protocol';

/** An error a worker got, with its class name and code. */
export class WorkerError extends Error {
  constructor(readonly remote: WireError) {
    super(`${remote.name} (${remote.code}): ${remote.message}`);
  }
}

/** The compiled worker of this run (global setup), else the TypeScript source through ts-node. */
function workerEntry(): { file: string; execArgv: string[]; env: NodeJS.ProcessEnv } {
  const compiled = process.env.AIOFS_RELIABILITY_WORKER;
  if (compiled) return { file: compiled, execArgv: [], env: process.env };
  return {
    file: nodePath.join(__dirname, 'worker.ts'),
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, TS_NODE_PROJECT: nodePath.join(__dirname, '../../../tsconfig.json') },
  };
}

/** A worker process (./worker.ts) with its own file system on the store it was given. */
export class WorkerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private readonly waiters: Array<{ event: Event['event']; resolve: () => void }> = [];
  /** Every progress event so far, in order. */
  readonly events: Event['event'][] = [];
  readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (message: Reply | Event) => {
      if ('event' in message) {
        this.events.push(message.event);
        for (const w of this.waiters.filter((w) => w.event === message.event)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
        return;
      }
      const settle = this.pending.get(message.id);
      this.pending.delete(message.id);
      settle?.(message);
    });
    void this.exited.then(() => {
      const gone: Reply = {
        id: 0,
        ok: false,
        error: { name: 'WorkerExited', message: `worker ${child.pid} exited` },
      };
      for (const settle of this.pending.values()) settle(gone);
      this.pending.clear();
    });
  }

  /** Starts a worker on `options` (JSON) and waits until its file system is open. */
  static async start(options: object): Promise<WorkerProcess> {
    const entry = workerEntry();
    const child = fork(entry.file, [JSON.stringify(options)], {
      execArgv: entry.execArgv,
      env: entry.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new WorkerProcess(child);
    await Promise.race([
      worker.next('ready'),
      worker.exited.then(() => {
        throw new Error(`a reliability worker exited at start (${child.exitCode})`);
      }),
    ]);
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends a command; resolves with its result, rejects with a WorkerError. */
  call<T = unknown>(command: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, (reply) =>
        reply.ok ? resolve(reply.result as T) : reject(new WorkerError(reply.error)),
      );
      this.child.send({ id, command }, (error) => {
        if (error)
          this.pending.get(id)?.({
            id,
            ok: false,
            error: { name: 'SendFailed', message: error.message },
          });
      });
    });
  }

  /** Resolves at the next `event` from now on. */
  next(event: Event['event']): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ event, resolve }));
  }

  /** SIGKILL, and waits until the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Closes its file system and exits (killed if it takes more than 10 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    this.call({ op: 'exit' }).catch(() => undefined);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts `count` workers on the same store, in parallel. */
export async function startWorkers(count: number, options: object): Promise<WorkerProcess[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => WorkerProcess.start(options)),
  );
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(workers.map((w) => w.kill()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return workers;
}
