import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Bench, BenchCase, WorkloadOptions } from './harness';
import { byteSink, byteSource, pattern } from './suites/streams';

export type Capability =
  'read' | 'write' | 'range' | 'list' | 'concurrent' | 'streamWrite' | 'streamRead';

export type SubjectKind = 'raw' | 'aiofs' | 'unstorage' | 'opendal' | 'flydrive';

/**
 * One library (or the raw client) on one backend, as the matrix drives it. Each subject reads
 * back what it wrote itself, under its own folder (`id`), so every library sees its own format
 * (unstorage stores binary values as base64 text on Redis, for example).
 */
export interface Subject {
  /** Its folder or key prefix on the backend; unique within a backend. */
  id: string;
  kind: SubjectKind;
  /** The row label: what it calls. */
  label: string;
  /** A variant (e.g. aiofs with durable: false) is measured on these workloads only. */
  only?: Capability[];
  /** Why it cannot do every workload (no driver for this backend, for example). */
  unavailable?: string;
  /** Why it cannot do some workloads: the table says so instead of a number. */
  cannot?: Partial<Record<Capability, string>>;
  read?(path: string): Promise<Uint8Array | string>;
  write?(path: string, data: Buffer): Promise<unknown>;
  readRange?(path: string, start: number, length: number): Promise<Uint8Array>;
  /** The number of files under `prefix/`, listed with the library's own prefix listing. */
  list?(prefix: string): Promise<number>;
  writeStream?(path: string, source: Readable): Promise<unknown>;
  readStream?(path: string): Promise<NodeJS.ReadableStream>;
}

export interface Sizes {
  /** Whole-file read and write sizes. */
  files: number[];
  /** The file a 4 KiB range is read from. */
  rangeFile: number;
  /** Files listed under one prefix; every listing runs with all of them stored. */
  lists: number[];
  /** Writes of `concurrentBytes` each, all at once. */
  concurrent: number;
  concurrentBytes: number;
  stream: number;
}

export const KiB = 1024;
export const MiB = 1024 * KiB;

export function sizes(quick: boolean): Sizes {
  return quick
    ? {
        files: [4 * KiB, MiB, 8 * MiB],
        rangeFile: 16 * MiB,
        lists: [1000],
        concurrent: 100,
        concurrentBytes: 4 * KiB,
        stream: 16 * MiB,
      }
    : {
        files: [4 * KiB, MiB, 64 * MiB],
        rangeFile: 256 * MiB,
        lists: [10_000, 100_000],
        concurrent: 100,
        concurrentBytes: 4 * KiB,
        stream: 256 * MiB,
      };
}

export function sizeLabel(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} B`;
}

export function countLabel(n: number): string {
  return n.toLocaleString('en-US').replace(/,/g, ' ');
}

export interface MatrixSetup {
  backend: string;
  subjects: Subject[];
  /** Stores `count` small files under `prefix/` that every subject can list (made with the raw client). */
  fillList(prefix: string, count: number): Promise<void>;
  /** Listing sizes other than the default ones (a slow server). */
  lists?: number[];
  /** The file of the range read, when not the default one (a server that reads a whole object per GET). */
  rangeFile?: number;
  /** Listing sizes left out on this backend, with the reason shown in their rows. */
  skipLists?: { counts: number[]; reason: string };
}

const RANGE_BYTES = 4 * KiB;

/**
 * The same workloads over every subject of a backend: streams first (their RSS is measured
 * before the bigger buffers of other workloads have grown the heap), then whole-file reads and
 * writes, a range read, concurrent writes, and listings.
 */
export async function runMatrix(bench: Bench, setup: MatrixSetup): Promise<void> {
  const quick = bench.options.quick;
  const s = sizes(quick);
  const { backend } = setup;
  const run = (
    workload: string,
    capability: Capability,
    make: (subject: Subject) => BenchCase,
    options: WorkloadOptions,
  ) => workloadOver(bench, setup, workload, capability, make, options);

  const streamOptions: WorkloadOptions = {
    repetitions: quick ? 1 : 3,
    warmup: 0,
    bytes: s.stream,
    gcEachRun: true,
    note: 'peak RSS: the highest RSS during the case’s own runs, after a garbage collection; growth is over the RSS just before',
  };
  await run(
    `stream write ${sizeLabel(s.stream)}`,
    'streamWrite',
    (subject) => ({
      subject: subject.label,
      kind: subject.kind,
      run: () => subject.writeStream!(`${subject.id}/stream.bin`, byteSource(s.stream)),
    }),
    streamOptions,
  );
  await run(
    `stream read ${sizeLabel(s.stream)}`,
    'streamRead',
    (subject) => ({
      subject: subject.label,
      kind: subject.kind,
      setup: async () => {
        if (subject.cannot?.streamWrite)
          await subject.write!(`${subject.id}/stream.bin`, pattern(s.stream));
      },
      run: async () => {
        const sink = byteSink();
        await pipeline(await subject.readStream!(`${subject.id}/stream.bin`), sink);
        if (sink.bytes !== s.stream)
          throw new Error(`${subject.label} streamed ${sink.bytes} bytes`);
      },
    }),
    streamOptions,
  );

  for (const size of s.files) {
    const label = sizeLabel(size);
    const data = pattern(size);
    const big = size >= 16 * MiB;
    const options: WorkloadOptions =
      size <= 64 * KiB
        ? { ops: quick ? 20 : 100, repetitions: quick ? 3 : 30, bytes: size }
        : big
          ? {
              repetitions: quick ? 3 : 10,
              warmup: 1,
              budgetMs: 30_000,
              gcEachRun: true,
              bytes: size,
            }
          : { ops: quick ? 2 : 10, repetitions: quick ? 3 : 20, bytes: size };
    await run(
      `read ${label}`,
      'read',
      (subject) => {
        const path = `${subject.id}/read-${label.replace(' ', '')}.bin`;
        return {
          subject: subject.label,
          kind: subject.kind,
          setup: async () => {
            await subject.write!(path, data);
            const back = await subject.read!(path);
            if (!Buffer.from(back).equals(data))
              throw new Error(`${subject.label} read back other bytes than it wrote`);
          },
          run: () => repeat(options.ops, () => subject.read!(path)),
        };
      },
      options,
    );
    await run(
      `write ${label}`,
      'write',
      (subject) => {
        const path = `${subject.id}/write-${label.replace(' ', '')}.bin`;
        return {
          subject: subject.label,
          kind: subject.kind,
          run: () => repeat(options.ops, () => subject.write!(path, data)),
        };
      },
      options,
    );
  }

  const rangeOps = quick ? 20 : 100;
  const rangeFile = setup.rangeFile ?? s.rangeFile;
  await run(
    `range read 4 KiB of ${sizeLabel(rangeFile)}`,
    'range',
    (subject) => {
      const path = `${subject.id}/range.bin`;
      let at = 0;
      // The same walk of offsets for every subject: pages far apart, none cached by its neighbour.
      const next = () => (at = (at + 7919 * RANGE_BYTES + 123) % (rangeFile - RANGE_BYTES));
      return {
        subject: subject.label,
        kind: subject.kind,
        setup: async () => {
          const data = pattern(rangeFile);
          await subject.write!(path, data);
          const got = await subject.readRange!(path, 5 * MiB + 7, RANGE_BYTES);
          if (!Buffer.from(got).equals(data.subarray(5 * MiB + 7, 5 * MiB + 7 + RANGE_BYTES)))
            throw new Error(`${subject.label} read another range`);
        },
        run: () => repeat(rangeOps, () => subject.readRange!(path, next(), RANGE_BYTES)),
      };
    },
    { ops: rangeOps, repetitions: quick ? 3 : 30, bytes: RANGE_BYTES },
  );

  const small = pattern(s.concurrentBytes);
  await run(
    `${s.concurrent} concurrent writes of ${sizeLabel(s.concurrentBytes)}`,
    'concurrent',
    (subject) => ({
      subject: subject.label,
      kind: subject.kind,
      run: () =>
        Promise.all(
          Array.from({ length: s.concurrent }, (_, i) =>
            subject.write!(`${subject.id}/concurrent/${i}.bin`, small),
          ),
        ),
    }),
    { repetitions: quick ? 5 : 30, bytes: s.concurrent * s.concurrentBytes },
  );

  const lists = setup.lists ?? s.lists;
  // Every listing runs with all the listing files stored: the other prefixes are the noise a
  // prefix listing must not pay for.
  const total = lists.reduce((sum, n) => sum + n, 0);
  for (const count of lists) await setup.fillList(`ls${count}`, count);
  for (const count of lists) {
    const prefix = `ls${count}`;
    const workload = `list ${countLabel(count)} of ${countLabel(total)} files by prefix`;
    await run(
      workload,
      'list',
      (subject) => ({
        subject: subject.label,
        kind: subject.kind,
        wrongResult: async () => {
          const found = await subject.list!(prefix);
          return found === count ? undefined : `listed ${found} of ${count} files`;
        },
        run: () => subject.list!(prefix),
      }),
      {
        repetitions: quick ? 3 : 10,
        warmup: 1,
        budgetMs: 30_000,
        minRepetitions: 3,
        note: 'all listing prefixes are stored while each one is listed',
      },
    );
  }
  for (const count of setup.skipLists?.counts ?? []) {
    for (const subject of setup.subjects) {
      if (subject.only && !subject.only.includes('list')) continue;
      bench.unsupported(
        backend,
        `list ${countLabel(count)} files by prefix`,
        subject.label,
        setup.skipLists!.reason,
        subject.kind,
      );
    }
  }
}

async function repeat(times = 1, action: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < times; i++) await action();
}

async function workloadOver(
  bench: Bench,
  setup: MatrixSetup,
  workload: string,
  capability: Capability,
  make: (subject: Subject) => BenchCase,
  options: WorkloadOptions,
): Promise<void> {
  const cases: BenchCase[] = [];
  const rows: Array<BenchCase | { subject: Subject; reason: string }> = [];
  for (const subject of setup.subjects) {
    if (subject.only && !subject.only.includes(capability)) continue;
    const reason = subject.unavailable ?? subject.cannot?.[capability];
    if (reason) {
      rows.push({ subject, reason });
      continue;
    }
    const c = make(subject);
    // A peer that gives a wrong answer gets a cell that says so, not a time; aiofs or the raw
    // client doing so stops the run.
    const wrong = await c.wrongResult?.();
    if (wrong) {
      if (subject.kind === 'aiofs' || subject.kind === 'raw')
        throw new Error(`${subject.label} ${wrong}`);
      rows.push({ subject, reason: `wrong result: ${wrong}` });
      continue;
    }
    cases.push(c);
    rows.push(c);
  }
  await bench.workload(setup.backend, workload, cases, options);
  for (const row of rows) {
    if ('reason' in row)
      bench.unsupported(setup.backend, workload, row.subject.label, row.reason, row.subject.kind);
  }
}
