import type { CommonFileSystemOptions } from '../../core';

/** Options of the Azure Blob backend. Types only: the SDK is loaded when the file system is created. */
export interface AzureFileSystemOptions extends CommonFileSystemOptions {
  backend: 'azure';
  /**
   * The container that holds the files: one file system is one container. Required, except
   * with `containerClient` (whose container it is).
   */
  container?: string;
  /** A storage connection string (e.g. Azurite's). */
  connectionString?: string;
  /** `https://<account>.blob.core.windows.net`, with `credential`, or a SAS URL on its own. */
  accountUrl?: string;
  /** A `TokenCredential` from `@azure/identity` (e.g. `new DefaultAzureCredential()`). */
  credential?: unknown;
  /**
   * A `ContainerClient` of the caller's. Its own pipeline (retries, timeouts) is used as it is,
   * and the container is not created unless `createContainer: true`.
   */
  containerClient?: unknown;
  /** Create the container at start when missing (default true; false with `containerClient`). */
  createContainer?: boolean;
  /** How many times one request is tried before the backend counts as unavailable (default 3). */
  maxTries?: number;
  /** How long one try waits for the server to answer, in ms (default 30 000). */
  requestTimeoutMs?: number;
}
