import { BlobServiceClient } from '@azure/storage-blob';
import { createFileSystem } from '../../lib';
import { streamRoundTrip } from './streaming';

const GiB = 2 ** 30;
const connectionString = process.env.AIOFS_TEST_AZURE_CONNECTION_STRING;
const unavailable = process.env.AIOFS_TEST_AZURE_UNAVAILABLE;
const run = unavailable && process.env.AIOFS_TEST_REQUIRE_ALL !== '1' ? test.skip : test;

run('azure: a 1 GiB file streams in and out of Azurite with peak RSS growth ≤ 96 MiB', async () => {
  if (unavailable) throw new Error(`Azurite: ${unavailable}`);
  const container = `large-${process.pid}`;
  const fs = await createFileSystem({
    backend: 'azure',
    connectionString: connectionString!,
    container,
  });
  try {
    await streamRoundTrip(fs, 'big/one.bin', GiB, 96);
  } finally {
    await fs.close();
    await BlobServiceClient.fromConnectionString(connectionString!)
      .getContainerClient(container)
      .delete();
  }
});
