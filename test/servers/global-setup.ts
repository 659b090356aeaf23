import { startAzurite } from './azurite-server';
import { startMoto } from './moto-server';
import { startRedisServers } from './redis-servers';
import type { StartedServers } from './started-servers';

/**
 * Starts the real servers the suites talk to (a private redis-server, a 3-node Redis Cluster,
 * Azurite, moto's S3 server) on free ports, and hands their addresses to the test workers through env variables.
 * A server that cannot start sets AIOFS_TEST_<KIND>_UNAVAILABLE with the reason instead.
 */
export default async function globalSetup(): Promise<void> {
  const started: StartedServers[] = await Promise.all([
    startRedisServers(),
    startAzurite(),
    startMoto(),
  ]);
  for (const s of started) Object.assign(process.env, s.env);
  (globalThis as { __aiofsServers?: StartedServers[] }).__aiofsServers = started;
}
