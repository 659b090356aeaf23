import type { CommonFileSystemOptions } from '../../core';

/** Options of the Azure Blob backend. Types only: the SDK is loaded when the file system is created. */
export interface AzureFileSystemOptions extends CommonFileSystemOptions {
  backend: 'azure';
  /** The container that holds the files: one file system is one container. */
  container: string;
  /** A storage connection string (e.g. Azurite's). */
  connectionString?: string;
  /** `https://<account>.blob.core.windows.net`, with `credential`, or a SAS URL on its own. */
  accountUrl?: string;
  /** A `TokenCredential` from `@azure/identity` (e.g. `new DefaultAzureCredential()`). */
  credential?: unknown;
  /** A `ContainerClient` of the caller's (the container is not created for it). */
  containerClient?: unknown;
  /** Create the container at start when missing (default true). */
  createContainer?: boolean;
}
