import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { createStorage } from 'unstorage';
import azureDriver from 'unstorage/drivers/azure-storage-blob';
import { createFileSystem } from '../../lib';
import { AZURITE_ACCOUNT, AZURITE_KEY, AzuriteServer } from '../../test/servers/azurite-server';
import type { Bench } from '../harness';
import { runMatrix, type Subject } from '../matrix';
import { loadOpendal, versionOf } from '../peers';
import { aiofsScanSubject, aiofsSubject, opendalSubject, unstorageSubject } from '../subjects';

const CONTAINER = 'bench';

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The raw SDK as its documentation shows each call. */
function rawSubject(container: ContainerClient): Subject {
  const blob = (path: string) => container.getBlockBlobClient(path);
  return {
    id: 'raw',
    kind: 'raw',
    label: '@azure/storage-blob',
    read: (path) => blob(path).downloadToBuffer(),
    write: (path, data) => blob(path).uploadData(data),
    readRange: async (path, start, length) =>
      drain((await blob(path).download(start, length)).readableStreamBody!),
    list: async (prefix) => {
      let n = 0;
      for await (const page of container
        .listBlobsFlat({ prefix: `${prefix}/` })
        .byPage({ maxPageSize: 5000 }))
        n += page.segment.blobItems.length;
      return n;
    },
    writeStream: (path, source) => blob(path).uploadStream(source),
    readStream: async (path) => (await blob(path).download()).readableStreamBody!,
  };
}

/** The Azure backend, the raw SDK, unstorage and OpenDAL on one private Azurite. */
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
    container: CONTAINER,
  });
  const container = BlobServiceClient.fromConnectionString(
    server.connectionString,
  ).getContainerClient(CONTAINER);
  const storage = createStorage({
    driver: azureDriver({ connectionString: server.connectionString, containerName: CONTAINER }),
  });
  try {
    bench.versions.azurite = versionOf('azurite') ?? '?';
    const subjects: Subject[] = [
      rawSubject(container),
      aiofsSubject(fs),
      aiofsScanSubject(fs),
      unstorageSubject(storage, 'azure-storage-blob'),
    ];
    const opendal = loadOpendal();
    if (typeof opendal === 'string') bench.skip(`OpenDAL rows: ${opendal}`);
    else {
      const op = new opendal.Operator('azblob', {
        container: CONTAINER,
        endpoint: server.endpoint,
        account_name: AZURITE_ACCOUNT,
        account_key: AZURITE_KEY,
        root: '/',
      });
      subjects.push(opendalSubject(op, 'azblob'));
    }
    subjects.push({
      id: 'flydrive',
      kind: 'flydrive',
      label: 'flydrive',
      unavailable: 'no Azure driver',
    });
    const quick = bench.options.quick;
    await runMatrix(bench, {
      backend: 'azure',
      subjects,
      // Azurite slows down with every blob it holds (≈ 1 ms a blob at 5 000, 8–11 ms at 35 000–
      // 40 000, empty otherwise, on a 2-core machine): a run that stored 110 000 listing blobs
      // beside the other workloads' data had not finished after 30 minutes.
      lists: quick ? [200] : [10_000],
      skipLists: quick
        ? undefined
        : {
            counts: [100_000],
            reason:
              'not run: Azurite slows down with every blob it holds; storing 110 000 had not finished in 30 min',
          },
      fillList: async (prefix, count) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: 32 }, async () => {
            for (let i = next++; i < count; i = next++) {
              await container.getBlockBlobClient(`${prefix}/d${i % 100}/f${i}`).upload('x', 1);
              if ((i + 1) % 10_000 === 0)
                process.stdout.write(`  (stored ${i + 1} under ${prefix})\n`);
            }
          }),
        );
      },
    });
  } finally {
    await fs.close();
    await server.stop();
  }
}
