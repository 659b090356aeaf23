import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { createFileSystem, type FileLikeSystem } from '../../lib';
import { AzuriteServer } from '../../test/servers/azurite-server';
import type { Bench } from '../harness';
import { interleavedWorkload } from './interleave';
import { byteSink, byteSource } from './streams';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Range reads are timed in sequential batches, so that one timing is not a few hundred µs. */
const BATCH = 100;

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
  return bytes;
}

async function transfers(bench: Bench, fs: FileLikeSystem, raw: ContainerClient): Promise<void> {
  const size = 64 * MiB;
  const data = randomBytes(size);
  const reps = { repetitions: bench.options.quick ? 3 : 10, warmup: 1, bytes: size };
  await interleavedWorkload(
    bench,
    'azure',
    'upload 64 MiB',
    [
      {
        subject: 'SDK uploadData',
        run: () => raw.getBlockBlobClient('raw/up.bin').uploadData(data),
      },
      { subject: 'aiofs writeFile', run: () => fs.writeFile('up.bin', data) },
      {
        subject: 'aiofs openWriteStream (1 MiB chunks)',
        run: async () => pipeline(byteSource(size), await fs.openWriteStream('up-stream.bin')),
      },
      {
        subject: 'SDK uploadStream (1 MiB chunks, defaults)',
        run: () => raw.getBlockBlobClient('raw/up-stream.bin').uploadStream(byteSource(size)),
      },
    ],
    reps,
  );
  await raw.getBlockBlobClient('raw/down.bin').uploadData(data);
  await fs.writeFile('down.bin', data);
  await interleavedWorkload(
    bench,
    'azure',
    'download 64 MiB',
    [
      {
        subject: 'SDK downloadToBuffer',
        run: () => raw.getBlockBlobClient('raw/down.bin').downloadToBuffer(),
      },
      { subject: 'aiofs readFile', run: () => fs.readFile('down.bin') },
      {
        subject: 'aiofs openReadStream',
        run: async () => pipeline(await fs.openReadStream('down.bin'), byteSink()),
      },
      {
        subject: 'SDK download() stream',
        run: async () =>
          pipeline(
            (await raw.getBlockBlobClient('raw/down.bin').download()).readableStreamBody!,
            byteSink(),
          ),
      },
    ],
    reps,
  );
  const rangeAt = 37 * MiB + 123;
  await interleavedWorkload(
    bench,
    'azure',
    `range read 4 KiB of 64 MiB (×${BATCH} sequential)`,
    [
      {
        subject: 'SDK download(offset, 4096)',
        run: async () => {
          const blob = raw.getBlockBlobClient('raw/down.bin');
          for (let i = 0; i < BATCH; i++) {
            await drain((await blob.download(rangeAt, 4 * KiB)).readableStreamBody!);
          }
        },
      },
      {
        subject: 'aiofs readFile({ start, end })',
        run: async () => {
          for (let i = 0; i < BATCH; i++) {
            await fs.readFile('down.bin', { start: rangeAt, end: rangeAt + 4 * KiB });
          }
        },
      },
    ],
    { repetitions: bench.options.quick ? 3 : 10, warmup: 1, bytes: 4 * KiB * BATCH },
  );
}

async function bigStreams(bench: Bench, fs: FileLikeSystem, raw: ContainerClient): Promise<void> {
  const size = 512 * MiB;
  // First in the suite, aiofs first: RSS growth is measured from a fresh process.
  const note = 'one run each, first in the suite; RSS growth is the peak over the RSS just before';
  await bench.once(
    'azure',
    'stream 512 MiB in',
    'aiofs openWriteStream',
    async () => pipeline(byteSource(size), await fs.openWriteStream('big.bin')),
    size,
  );
  await bench.once(
    'azure',
    'stream 512 MiB in',
    'SDK uploadStream (defaults)',
    () => raw.getBlockBlobClient('raw/big.bin').uploadStream(byteSource(size)),
    size,
  );
  await bench.once(
    'azure',
    'stream 512 MiB out',
    'aiofs openReadStream',
    async () => pipeline(await fs.openReadStream('big.bin'), byteSink()),
    size,
  );
  await bench.once(
    'azure',
    'stream 512 MiB out',
    'SDK download() stream',
    async () =>
      pipeline(
        (await raw.getBlockBlobClient('raw/big.bin').download()).readableStreamBody!,
        byteSink(),
      ),
    size,
  );
  for (const row of bench.results.slice(-4)) row.note = note;
}

/** The Azure backend against the raw @azure/storage-blob SDK on a private Azurite, in one run. */
export async function azureSuite(bench: Bench): Promise<void | string> {
  let server: AzuriteServer;
  try {
    server = await AzuriteServer.start();
  } catch (error) {
    return (error as Error).message;
  }
  const fs = await createFileSystem({
    backend: 'azure',
    connectionString: server.connectionString,
    container: 'bench',
  });
  const raw = BlobServiceClient.fromConnectionString(server.connectionString).getContainerClient(
    'bench',
  );
  try {
    await bigStreams(bench, fs, raw);
    await transfers(bench, fs, raw);
  } finally {
    await fs.close();
    await server.stop();
  }
}
