import { checkLockTtl, InvalidArgumentError } from '../../core';
import { describe, httpUrl, optionalBoolean, wholeNumber } from '../object-store/option-values';
import type { AzureFileSystemOptions } from './azure-options';

/** Azure leases last 15 to 60 s. */
export const LEASE_BOUNDS = { min: 15_000, max: 60_000 };

const EXAMPLE =
  "{ backend: 'azure', connectionString: process.env.AZURE_STORAGE_CONNECTION_STRING, container: 'files' }";

/** Where the client comes from; secrets stay in here and never reach a message. */
export type AzureSource =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'accountUrl'; accountUrl: string; credential?: object }
  | { kind: 'containerClient'; containerClient: object };

export interface AzureSettings {
  source: AzureSource;
  container: string;
  createContainer: boolean;
  lockTtlMs?: number;
  maxTries: number;
  requestTimeoutMs: number;
}

/** Container names: 3–63 lowercase letters, digits and single hyphens, starting and ending alphanumeric. */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** Checks the options before anything connects (DESIGN §7: bad input is a typed error). */
export function checkAzureOptions(options: AzureFileSystemOptions): AzureSettings {
  if (!options || typeof options !== 'object') {
    throw new InvalidArgumentError(`The azure backend needs options like ${EXAMPLE}`);
  }
  const source = checkSource(options);
  const container = checkContainer(options, source);
  const createContainer = optionalBoolean('createContainer', options.createContainer);
  if (options.lockTtlMs !== undefined) checkLockTtl(options.lockTtlMs, LEASE_BOUNDS);
  return {
    source,
    container,
    createContainer: createContainer ?? source.kind !== 'containerClient',
    lockTtlMs: options.lockTtlMs,
    maxTries: wholeNumber('maxTries', options.maxTries, 1, 10) ?? 3,
    requestTimeoutMs:
      wholeNumber('requestTimeoutMs', options.requestTimeoutMs, 100, 600_000) ?? 30_000,
  };
}

function checkSource(options: AzureFileSystemOptions): AzureSource {
  const given = (['connectionString', 'accountUrl', 'containerClient'] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (given.length === 0) {
    throw new InvalidArgumentError(
      `The azure backend needs connectionString, accountUrl (with a credential or a SAS query) or containerClient, e.g. ${EXAMPLE}`,
    );
  }
  if (given.length > 1) {
    throw new InvalidArgumentError(
      `Pass only one of connectionString, accountUrl and containerClient to the azure backend (got ${given.join(' and ')})`,
    );
  }
  if (options.credential !== undefined && given[0] !== 'accountUrl') {
    throw new InvalidArgumentError(
      `credential goes with accountUrl: { accountUrl: 'https://<account>.blob.core.windows.net', credential: new DefaultAzureCredential() }`,
    );
  }
  switch (given[0]) {
    case 'connectionString':
      return { kind: 'connectionString', connectionString: checkConnectionString(options) };
    case 'accountUrl':
      return checkAccountUrl(options.accountUrl, options.credential);
    case 'containerClient':
      return { kind: 'containerClient', containerClient: checkContainerClient(options) };
  }
}

function checkConnectionString(options: AzureFileSystemOptions): string {
  const value = options.connectionString;
  if (
    typeof value !== 'string' ||
    !/(AccountName|SharedAccessSignature|UseDevelopmentStorage)=/i.test(value)
  ) {
    throw new InvalidArgumentError(
      `connectionString must be a storage connection string ('DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net'), not ${describe(value)}`,
    );
  }
  return value;
}

function checkAccountUrl(value: unknown, credential: unknown): AzureSource {
  const url = httpUrl(value);
  if (!url) {
    throw new InvalidArgumentError(
      `accountUrl must be an http(s) URL like 'https://<account>.blob.core.windows.net', not ${typeof value === 'string' ? 'that string' : describe(value)}`,
    );
  }
  const sas = url.searchParams.has('sig');
  if (credential === undefined) {
    if (!sas) {
      throw new InvalidArgumentError(
        `accountUrl needs a credential (a TokenCredential such as new DefaultAzureCredential()) or a SAS query ('?sv=…&sig=…')`,
      );
    }
    return { kind: 'accountUrl', accountUrl: url.toString() };
  }
  if (sas) {
    throw new InvalidArgumentError(
      'accountUrl carries a SAS and a credential was passed too: use one of them',
    );
  }
  if (!isCredential(credential)) {
    throw new InvalidArgumentError(
      `credential must be a TokenCredential from @azure/identity (e.g. new DefaultAzureCredential()) or a StorageSharedKeyCredential, not ${describe(credential)}`,
    );
  }
  if (
    url.protocol !== 'https:' &&
    typeof (credential as { getToken?: unknown }).getToken === 'function'
  ) {
    throw new InvalidArgumentError(
      'A TokenCredential needs an https accountUrl: the SDK never sends a bearer token over plain http',
    );
  }
  return { kind: 'accountUrl', accountUrl: url.toString(), credential };
}

function isCredential(value: unknown): value is object {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as { getToken?: unknown; computeHMACSHA256?: unknown };
  return (
    typeof candidate.getToken === 'function' || typeof candidate.computeHMACSHA256 === 'function'
  );
}

function checkContainerClient(options: AzureFileSystemOptions): object {
  const client = options.containerClient as
    { getBlockBlobClient?: unknown; containerName?: unknown } | undefined;
  if (
    !client ||
    typeof client !== 'object' ||
    typeof client.getBlockBlobClient !== 'function' ||
    typeof client.containerName !== 'string'
  ) {
    throw new InvalidArgumentError(
      `containerClient must be a ContainerClient of @azure/storage-blob, not ${describe(options.containerClient)}`,
    );
  }
  return client;
}

function checkContainer(options: AzureFileSystemOptions, source: AzureSource): string {
  if (source.kind === 'containerClient') {
    const own = (source.containerClient as { containerName: string }).containerName;
    if (options.container !== undefined && options.container !== own) {
      throw new InvalidArgumentError(
        `container '${String(options.container)}' differs from the containerClient's container '${own}'; leave container out`,
      );
    }
    return own;
  }
  const name = options.container;
  if (name === undefined) {
    throw new InvalidArgumentError(`The azure backend needs a container, e.g. ${EXAMPLE}`);
  }
  if (typeof name !== 'string' || !CONTAINER_NAME.test(name)) {
    throw new InvalidArgumentError(
      `container must be 3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit, not ${typeof name === 'string' ? JSON.stringify(name) : describe(name)}`,
    );
  }
  return name;
}
