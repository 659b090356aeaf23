import type { S3Api } from './s3-api';
import type { S3Keys } from './s3-keys';

/**
 * The paths under `prefix`, one ListObjectsV2 page (1000 keys) at a time: one page in memory.
 * Keys aiofs cannot address (its lock objects and snapshots, `a//b`, folder markers) are skipped.
 */
export async function* listPaths(
  api: S3Api,
  keys: S3Keys,
  prefix: string,
): AsyncIterable<string[]> {
  let token: string | undefined;
  do {
    const page = await api.list(keys.of(prefix), token);
    const paths: string[] = [];
    for (const { key } of page.keys) {
      const path = keys.pathOf(key);
      if (path !== undefined) paths.push(path);
    }
    if (paths.length > 0) yield paths;
    token = page.next;
  } while (token);
}
