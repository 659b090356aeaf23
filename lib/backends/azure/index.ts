import type { ContainerClient } from '@azure/storage-blob';
import { checkLockTtl, DriverFileSystem, InvalidArgumentError } from '../../core';
import { loadSdk } from '../load-sdk';
import { containerClientFor, describeContainer, type Sdk } from './azure-client';
import { AzureDriver } from './azure-driver';
import { isNotFound } from './azure-errors';
import type { AzureFileSystemOptions } from './azure-options';
import { checkAzureOptions, LEASE_BOUNDS } from './azure-settings';

/**
 * A file system on one Azure Blob container. The options are checked before anything connects;
 * then the container is created (or, with `createContainer: false`, must exist), which is also the
 * first round trip: an unreachable account fails here with BackendUnavailableError.
 */
export async function createAzureFileSystem(
  options: AzureFileSystemOptions,
): Promise<DriverFileSystem> {
  const settings = checkAzureOptions(options);
  const sdk = loadSdk<Sdk>('@azure/storage-blob', 'azure');
  const container = containerClientFor(sdk, settings);
  const lockTtlMs = checkLockTtl(settings.lockTtlMs, LEASE_BOUNDS);
  const driver = new AzureDriver(container, describeContainer(container), lockTtlMs);
  try {
    await prepareContainer(container, settings.createContainer, driver.location);
  } catch (error) {
    throw driver.translateError(error) ?? error;
  }
  return new DriverFileSystem(driver, {
    lockTtlMs,
    lockTtlBounds: LEASE_BOUNDS,
  });
}

async function prepareContainer(
  container: ContainerClient,
  create: boolean,
  where: string,
): Promise<void> {
  if (create) {
    await container.createIfNotExists();
    return;
  }
  try {
    await container.getProperties();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new InvalidArgumentError(
      `The container does not exist: ${where}. Create it, or leave createContainer at true`,
      { cause: error },
    );
  }
}

export { AzureDriver };
export type { AzureFileSystemOptions };
