import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { createFileSystem, type FileLikeSystem } from '../../../lib';
import type { AzureFileSystemOptions } from '../../../lib/backends/azure/azure-options';
import { describeIfRunning } from '../../support/describe-if-running';

/** The global setup's Azurite, or why it is missing. */
export const connectionString = process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '';
const unavailable = process.env.AIOFS_TEST_AZURE_UNAVAILABLE;

/** `describe` when Azurite runs; loud skip (or failure under AIOFS_TEST_REQUIRE_ALL=1) when not. */
export function describeAzure(name: string, body: () => void): void {
  describeIfRunning(name, 'Azurite', unavailable, body);
}

let n = 0;

/** A container name no other test file uses. */
export function uniqueContainer(label: string): string {
  return `${label}-${process.pid}-${++n}`.toLowerCase();
}

/** The raw SDK's client of `container` on the shared Azurite. */
export function rawContainer(container: string, cs = connectionString): ContainerClient {
  return BlobServiceClient.fromConnectionString(cs).getContainerClient(container);
}

/** Creates file systems on fresh containers and closes and drops them after each test. */
export function useAzureStores(): {
  open(
    extra?: Partial<AzureFileSystemOptions>,
  ): Promise<{ fs: FileLikeSystem; options: AzureFileSystemOptions; raw: ContainerClient }>;
} {
  const opened: FileLikeSystem[] = [];
  const containers: string[] = [];
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((fs) => fs.close()));
    await Promise.allSettled(containers.splice(0).map((c) => rawContainer(c).delete()));
  });
  return {
    open: async (extra = {}) => {
      const container = uniqueContainer('azure-spec');
      containers.push(container);
      const options: AzureFileSystemOptions = {
        backend: 'azure',
        connectionString,
        container,
        ...extra,
      };
      const fs = await createFileSystem(options);
      opened.push(fs);
      return { fs, options, raw: rawContainer(container) };
    },
  };
}
