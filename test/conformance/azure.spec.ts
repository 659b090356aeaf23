import { BlobServiceClient } from '@azure/storage-blob';
import { describeConformance } from './suite';

const connectionString = process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '';
const containers: string[] = [];
let n = 0;

// Each store is a fresh container on the shared Azurite; they are dropped when the file ends.
afterAll(async () => {
  if (!connectionString) return;
  const service = BlobServiceClient.fromConnectionString(connectionString);
  await Promise.allSettled(containers.map((c) => service.getContainerClient(c).delete()));
});

describeConformance({
  name: 'azure',
  newStore: async () => {
    const container = `conformance-${process.pid}-${++n}`;
    containers.push(container);
    return { backend: 'azure', connectionString, container };
  },
  capabilities: {
    crossProcess: true,
    sharedStore: true,
    minLockTtlMs: 15_000,
    fileAndFolderSameName: true,
    bigFileBytes: 12 << 20,
  },
  unavailable: () => process.env.AIOFS_TEST_AZURE_UNAVAILABLE,
});
