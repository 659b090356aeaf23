import { rmSync } from 'node:fs';
import { BlobServiceClient } from '@azure/storage-blob';
import type { FileSystemOptions } from '../../../lib';

/**
 * Removes what a store left on its server: a local root, an Azure container, an S3 bucket. Redis stores are
 * key prefixes on the run's private servers, which go away with them.
 */
export async function dropStore(options: FileSystemOptions): Promise<void> {
  if (options.backend === 'local') rmSync(options.root, { recursive: true, force: true });
  if (options.backend === 'azure' && options.connectionString && options.container) {
    await BlobServiceClient.fromConnectionString(options.connectionString)
      .getContainerClient(options.container)
      .deleteIfExists()
      .catch(() => undefined);
  }
  if (options.backend === 's3') {
    const { dropBucket, rawClient } = await import('../../backends/s3/s3-env');
    const raw = rawClient(options.endpoint);
    await dropBucket(raw, options.bucket);
    raw.destroy();
  }
}
