import type { RedisConnection } from './connection';

/** SCAN's COUNT: keys the server looks at per round trip. */
export const SCAN_COUNT = 1000;

/**
 * The string keys matching a SCAN `match`, batch by batch, on the server or on every cluster
 * master in turn. Keys come as bytes: a listing decodes each one once, into its path. Streamed:
 * memory holds one batch. SCAN may repeat a key the server rehashes.
 */
export async function* scanKeys(
  connection: RedisConnection,
  match: string,
): AsyncIterable<Buffer[]> {
  for (const node of await connection.masters()) {
    const stream = node.scanBufferStream({ match, count: SCAN_COUNT, type: 'string' });
    for await (const batch of stream) yield batch as Buffer[];
  }
}
