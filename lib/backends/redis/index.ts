import { DriverFileSystem } from '../../core';
import { checkRedisOptions } from './check-options';
import { connectRedis } from './connection';
import { RedisDriver } from './redis-driver';
import type { RedisFileSystemOptions } from './redis-options';

/**
 * A file system on Redis or a Redis Cluster (DESIGN §5). Options are checked before anything
 * connects; an unreachable server is a BackendUnavailableError.
 */
export async function createRedisFileSystem(
  options: RedisFileSystemOptions,
): Promise<DriverFileSystem> {
  const settings = checkRedisOptions(options);
  const connection = await connectRedis(settings);
  return new DriverFileSystem(new RedisDriver(connection, settings), {
    lockTtlMs: settings.lockTtlMs,
  });
}

export { RedisDriver };
export type { RedisFileSystemOptions };
