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
  // The AWS SDK warns, once per process, that its releases from 2027 need Node 22 (docs/s3.md
  // says so); the suites and the child processes they start run on Node 20 without that noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  (globalThis as { __aiofsServers?: StartedServers[] }).__aiofsServers = started;
}
