/**
 * A reliability worker: another OS process that opens the store from the options it is given
 * (argv[2], JSON) and runs the loops its parent asks for (./protocol.ts). It imports the backends
 * only (no Nest), so that it starts fast; the suite runs it compiled (./build-worker.ts).
 */
import { appendFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createFileSystem, type FileSystemOptions } from '../../../lib/backends';
import { BlockingIOError, type FileLike, type FileLikeSystem } from '../../../lib/core';
import type {
  Command,
  ContendResult,
  Event,
  IncrementResult,
  TornReadResult,
  TornWriteResult,
  WireError,
} from './protocol';
import {
  RECORD_BYTES,
  seqOf,
  verify,
  versionBytes,
  versionId,
  versionPieces,
  writerOf,
} from './versions';

let fs: FileLikeSystem;
let held: FileLike | undefined;
let stopped = false;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = () => sleep(1 + Math.random() * 4);

export function wire(error: unknown): WireError {
  const e = error as Error & { code?: string };
  return { name: e?.name ?? 'Error', code: e?.code, message: String(e?.message ?? error) };
}

function emit(event: Event['event']): void {
  process.send!({ event } satisfies Event);
}

async function contend(path: string, log: string, tag: string): Promise<ContendResult> {
  try {
    held = await fs.open(path, 'w');
  } catch (error) {
    if (error instanceof BlockingIOError) return { won: false, error: wire(error) };
    throw error;
  }
  // Logged while the lock is surely held: after open, before close.
  appendFileSync(log, `E ${tag}\n`);
  await held.write(`${tag}\n`);
  return { won: true };
}

async function release(log: string, tag: string): Promise<void> {
  appendFileSync(log, `X ${tag}\n`);
  const handle = held!;
  held = undefined;
  await handle.close();
}

async function increment(path: string, count: number): Promise<IncrementResult> {
  const result: IncrementResult = { committed: [], blocked: 0, failedCommits: [] };
  while (result.committed.length < count) {
    let file: FileLike;
    try {
      file = await fs.open(path, 'r+');
    } catch (error) {
      if (!(error instanceof BlockingIOError)) throw error;
      result.blocked++;
      await jitter();
      continue;
    }
    let next: number;
    try {
      const text = (await file.read()).toString();
      const value = Number(text);
      if (!/^\d+$/.test(text)) throw new Error(`the counter holds ${JSON.stringify(text)}`);
      next = value + 1;
      await file.seek(0);
      await file.write(String(next));
    } catch (error) {
      await file.abort();
      throw error;
    }
    try {
      await file.close();
      result.committed.push(next);
    } catch (error) {
      if (!(error instanceof BlockingIOError)) throw error;
      result.failedCommits.push(wire(error));
    }
  }
  return result;
}

/** Writes `data` as the new content of `path` in one of three ways (by `how`). */
async function commit(path: string, data: Buffer, how: number): Promise<void> {
  if (how === 0) {
    await fs.writeFile(path, data);
  } else if (how === 1) {
    await fs.open(path, 'w', async (file) => {
      for (let at = 0; at < data.length; at += 300_000)
        await file.write(data.subarray(at, at + 300_000));
    });
  } else {
    const chunks = function* () {
      for (let at = 0; at < data.length; at += 200_000) yield data.subarray(at, at + 200_000);
    };
    await pipeline(Readable.from(chunks()), await fs.openWriteStream(path));
  }
}

async function tornWrite(
  path: string,
  writer: number,
  versions: number,
  sizes: number[],
): Promise<TornWriteResult> {
  const result: TornWriteResult = { commits: 0, bytes: 0, blocked: 0 };
  for (let seq = 1; seq <= versions;) {
    const data = versionBytes(versionId(writer, seq), sizes[seq % sizes.length]);
    try {
      await commit(path, data, seq % 3);
    } catch (error) {
      if (!(error instanceof BlockingIOError)) throw error;
      result.blocked++;
      await jitter();
      continue;
    }
    result.commits++;
    result.bytes += data.length;
    seq++;
  }
  return result;
}

async function readStream(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await fs.openReadStream(path)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function tornRead(path: string): Promise<TornReadResult> {
  const problems: string[] = [];
  const result: TornReadResult = { reads: 0, ranged: 0, streamed: 0, torn: 0, stale: 0, problems };
  const latest = new Map<number, number>();
  while (!stopped) {
    const kind = result.reads % 5;
    let data: Buffer;
    let start = 0;
    if (kind === 3) {
      start = Math.floor(Math.random() * 64) * RECORD_BYTES;
      data = await fs.readFile(path, {
        start,
        end: start + (1 + Math.floor(Math.random() * 4096)) * RECORD_BYTES,
      });
      result.ranged++;
    } else if (kind === 4) {
      data = await readStream(path);
      result.streamed++;
    } else {
      data = await fs.readFile(path);
    }
    result.reads++;
    // A range that starts past the end of a short version is empty, which is right.
    if (kind === 3 && data.length === 0) continue;
    const verdict = verify(data, { start, whole: kind !== 3 });
    if (!verdict.ok) {
      result.torn++;
      if (problems.length < 5) problems.push(verdict.reason);
      continue;
    }
    const writer = writerOf(verdict.id);
    const seq = seqOf(verdict.id);
    if (seq < (latest.get(writer) ?? 0)) {
      result.stale++;
      if (problems.length < 5)
        problems.push(`writer ${writer}: version ${seq} after ${latest.get(writer)}`);
    }
    latest.set(writer, Math.max(seq, latest.get(writer) ?? 0));
  }
  return result;
}

async function crashWrite(command: Extract<Command, { op: 'crashWrite' }>): Promise<void> {
  const pieces = () => versionPieces(command.id, command.records, command.chunkBytes);
  if (command.via === 'open') {
    const file = await fs.open(command.path, 'w');
    emit('opened');
    for (const piece of pieces()) {
      await file.write(piece);
      await sleep(command.paceMs);
    }
    emit('closing');
    await file.close();
  } else {
    const stream = await fs.openWriteStream(command.path);
    emit('opened');
    const paced = async function* () {
      for (const piece of pieces()) {
        yield piece;
        await sleep(command.paceMs);
      }
      emit('closing');
    };
    await pipeline(Readable.from(paced()), stream);
  }
  emit('closed');
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'contend':
      return contend(command.path, command.log, command.tag);
    case 'release':
      return release(command.log, command.tag);
    case 'increment':
      return increment(command.path, command.count);
    case 'tornWrite':
      return tornWrite(command.path, command.writer, command.versions, command.sizes);
    case 'tornRead':
      stopped = false;
      return tornRead(command.path);
    case 'stop':
      stopped = true;
      return undefined;
    case 'crashWrite':
      return crashWrite(command);
    case 'exit':
      await fs.close();
      process.exit(0);
  }
}

async function main(): Promise<void> {
  fs = await createFileSystem(JSON.parse(process.argv[2]) as FileSystemOptions);
  process.on('message', (message: { id: number; command: Command }) => {
    run(message.command).then(
      (result) => process.send!({ id: message.id, ok: true, result }),
      (error: unknown) => process.send!({ id: message.id, ok: false, error: wire(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  emit('ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
