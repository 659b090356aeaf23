import fc from 'fast-check';
import { createFileSystem, type FileLike, type FileLikeSystem } from '../../../lib';
import { num, scenarioTest } from '../report/record';
import { COUNTS_NOW } from '../scale';
import { dropStore } from '../support/stores';
import type { ReliabilityTarget } from '../targets';

const PATHS = ['a.txt', 'b.txt', 'dir/c.txt'];
const SLOTS = 3;
const MODES = ['r', 'w', 'a', 'r+', 'w+', 'a+', 'x', 'q'] as const;
const WHENCES = ['start', 'current', 'end'] as const;

type Cmd =
  | { op: 'open'; slot: number; path: string; mode: string }
  | { op: 'read'; slot: number; size?: number }
  | { op: 'write'; slot: number; data: Buffer }
  | { op: 'seek'; slot: number; offset: number; whence: (typeof WHENCES)[number] }
  | { op: 'tell'; slot: number }
  | { op: 'truncate'; slot: number; size?: number }
  | { op: 'close'; slot: number }
  | { op: 'abort'; slot: number }
  | { op: 'rm'; path: string }
  | { op: 'mv'; from: string; to: string }
  | { op: 'cp'; from: string; to: string }
  | { op: 'readFile'; path: string; start?: number; end?: number }
  | { op: 'writeFile'; path: string; data: Buffer }
  | { op: 'ls'; pattern: string }
  | { op: 'stat'; path: string }
  | { op: 'exists'; path: string };

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const path = fc.constantFrom(...PATHS);
const data = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.uint8Array({ minLength: 0, maxLength: 24 }).map((a) => Buffer.from(a)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(5000, 70_000), fc.integer({ min: 0, max: 255 }))
      .map(([n, b]) => Buffer.alloc(n, b)),
  },
);
const size = fc.option(fc.integer({ min: -2, max: 80 }), { nil: undefined });

const command: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('open' as const),
      slot,
      path,
      mode: fc.constantFrom(...MODES),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('read' as const), slot, size }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('write' as const), slot, data }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('seek' as const),
      slot,
      offset: fc.integer({ min: -30, max: 90 }),
      whence: fc.constantFrom(...WHENCES),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tell' as const), slot }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), slot, size }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('close' as const), slot }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('abort' as const), slot }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rm' as const), path }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('mv' as const), from: path, to: path }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cp' as const), from: path, to: path }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('readFile' as const),
      path,
      start: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      end: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('writeFile' as const), path, data }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('ls' as const),
      pattern: fc.constantFrom('*', '*.txt', 'dir/*', '?.txt'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('stat' as const), path }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('exists' as const), path }) },
);

/** One file system under test, with its handle slots. */
class Side {
  readonly slots: Array<FileLike | undefined> = new Array(SLOTS).fill(undefined);
  constructor(readonly fs: FileLikeSystem) {}

  /** What `cmd` observably did: its result, or the class of its error. */
  async apply(cmd: Cmd): Promise<unknown> {
    try {
      return { ok: await this.run(cmd) };
    } catch (error) {
      return { error: (error as Error)?.name ?? String(error) };
    }
  }

  private async run(cmd: Cmd): Promise<unknown> {
    const fs = this.fs;
    if ('slot' in cmd && cmd.op !== 'open') {
      const h = this.slots[cmd.slot];
      if (!h) return 'no handle';
      switch (cmd.op) {
        case 'read':
          return (await h.read(cmd.size)).toString('hex');
        case 'write':
          return h.write(cmd.data);
        case 'seek':
          return h.seek(cmd.offset, cmd.whence);
        case 'tell':
          return h.tell();
        case 'truncate':
          return h.truncate(cmd.size);
        case 'close':
          return h.close();
        case 'abort':
          return h.abort();
      }
    }
    switch (cmd.op) {
      case 'open': {
        const held = this.slots[cmd.slot];
        if (held && !held.closed) return 'slot busy';
        this.slots[cmd.slot] = undefined;
        const h = await fs.open(cmd.path, cmd.mode as never);
        this.slots[cmd.slot] = h;
        return h.tell();
      }
      case 'rm':
        return fs.rm(cmd.path);
      case 'mv':
        return fs.mv(cmd.from, cmd.to);
      case 'cp':
        return fs.cp(cmd.from, cmd.to);
      case 'readFile': {
        const range =
          cmd.start === undefined && cmd.end === undefined
            ? undefined
            : { start: cmd.start, end: cmd.end };
        return (await fs.readFile(cmd.path, range)).toString('hex');
      }
      case 'writeFile':
        return fs.writeFile(cmd.path, cmd.data);
      case 'ls':
        return fs.ls(cmd.pattern);
      case 'stat':
        return (await fs.stat(cmd.path)).size;
      case 'exists':
        return fs.exists(cmd.path);
    }
    throw new Error(`unknown command ${JSON.stringify(cmd)}`);
  }

  /** The whole visible state: every file and its content. */
  async contents(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of await this.fs.ls()) out[p] = (await this.fs.readFile(p)).toString('hex');
    return out;
  }

  async reset(): Promise<void> {
    for (const h of this.slots) await h?.abort().catch(() => undefined);
    this.slots.fill(undefined);
    await this.fs.rm('*');
  }
}

function describeCmd(cmd: Cmd): string {
  return JSON.stringify(cmd, (_, v: unknown) =>
    v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
      ? `<${(v as { data: number[] }).data.length} bytes>`
      : v,
  );
}

/**
 * Scenario 7: fast-check generates sequences of open/read/write/seek/tell/truncate/close/abort/
 * rm/mv/cp/readFile/writeFile/ls/stat/exists over three paths and three handle slots; each
 * sequence runs on the backend and on the memory backend (the reference) side by side. Every
 * result and every error class must be the same, and so must the files afterwards.
 */
export function modelScenario(target: ReliabilityTarget): void {
  const { modelRuns, modelCommands } = COUNTS_NOW;
  scenarioTest(
    'model',
    target.name,
    `${modelRuns} random sequences of ${Math.ceil(modelCommands / 2)}–${modelCommands} operations give the same results as the memory backend`,
    async () => {
      const options = target.newStore();
      const real = new Side(await createFileSystem(options));
      const seed = Date.now() % 2 ** 31;
      let runs = 0;
      let steps = 0;
      let errors = 0;
      const ops = new Set<string>();
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(command, {
              minLength: Math.ceil(modelCommands / 2),
              maxLength: modelCommands,
            }),
            async (cmds) => {
              runs++;
              const model = new Side(await createFileSystem({ backend: 'memory' }));
              try {
                await real.reset();
                const trace: string[] = [];
                for (const cmd of cmds) {
                  const expected = await model.apply(cmd);
                  const got = await real.apply(cmd);
                  trace.push(`${describeCmd(cmd)} → ${JSON.stringify(expected)}`);
                  steps++;
                  ops.add(cmd.op);
                  if ((expected as { error?: string }).error) errors++;
                  if (JSON.stringify(got) !== JSON.stringify(expected)) {
                    throw new Error(
                      `${target.name} differs from memory at step ${trace.length}: got ${JSON.stringify(got)}\n${trace.join('\n')}`,
                    );
                  }
                }
                for (const side of [model, real])
                  for (const h of side.slots) await h?.abort().catch(() => undefined);
                expect(await real.contents()).toEqual(await model.contents());
              } finally {
                await model.fs.close();
              }
            },
          ),
          { numRuns: modelRuns, seed, endOnFailure: true },
        );
        await real.reset();
        return {
          load: `${num(runs)} sequences, ${num(steps)} operations (${ops.size} kinds), ${SLOTS} handle slots over ${PATHS.length} paths; seed ${seed}`,
          result: `same results and error classes as the memory backend in ${num(steps)}/${num(steps)} operations (${num(errors)} of them errors); same files after every sequence`,
          numbers: { runs, steps, errors, seed, differences: 0 },
        };
      } finally {
        await real.fs.close();
        await dropStore(options);
      }
    },
    1_800_000,
  );
}
