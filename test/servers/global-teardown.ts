import type { StartedServers } from './started-servers';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __aiofsServers?: StartedServers[] }).__aiofsServers ?? [];
  await Promise.allSettled(started.map((s) => s.stop()));
}
