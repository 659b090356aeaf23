import type { ContainerClient } from '@azure/storage-blob';
import { isAddressable } from '../object-store/names';

/** Names per listing page: one page is held in memory at a time. */
export const LIST_PAGE_SIZE = 1000;

/**
 * Blob names starting with `prefix`, page by page. Names aiofs cannot address are skipped: the
 * lock blobs (their folder's name is reserved) and any blob another client named outside the
 * path rules (e.g. `a//b`, a trailing `/`).
 */
export async function* listBlobNames(
  container: ContainerClient,
  prefix: string,
): AsyncIterable<string> {
  const pages = container
    .listBlobsFlat(prefix ? { prefix } : {})
    .byPage({ maxPageSize: LIST_PAGE_SIZE });
  for await (const page of pages) {
    for (const item of page.segment.blobItems) if (isAddressable(item.name)) yield item.name;
  }
}
