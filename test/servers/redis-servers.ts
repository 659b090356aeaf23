import type { StartedServers } from './started-servers';

/** Placeholder until the Redis backend lands: reports the servers as unavailable. */
export async function startRedisServers(): Promise<StartedServers> {
  return { env: { AIOFS_TEST_REDIS_UNAVAILABLE: 'the Redis test servers are not implemented yet' }, stop: async () => undefined };
}
