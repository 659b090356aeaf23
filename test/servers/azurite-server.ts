import type { StartedServers } from './started-servers';

/** Placeholder until the Azure backend lands: reports Azurite as unavailable. */
export async function startAzurite(): Promise<StartedServers> {
  return { env: { AIOFS_TEST_AZURE_UNAVAILABLE: 'the Azurite test server is not implemented yet' }, stop: async () => undefined };
}
