import { loadSdk, parseFileSystemUrl, type FileSystemOptions } from '../backends';
import { InvalidArgumentError } from '../core';
import { redactUrl } from '../backends/redact';
import { DEFAULT_FILE_SYSTEM_NAME } from './aiofs.constants';

/** Reads one variable; `process.env`, a plain object, or a `ConfigService`'s `get`. */
export type EnvSource = Record<string, string | undefined> | { get(key: string): unknown };

/** Shown beside `file:./data` when the URL variable is unset. */
const OTHER_URL_EXAMPLES =
  'memory://, redis://localhost:6379/0?keyPrefix=app:, azure://my-container';

/** The variable names of a file system: `AIOFS_URL`, or `AIOFS_<NAME>_URL` for a named one. */
export function aiofsEnvNames(name: string = DEFAULT_FILE_SYSTEM_NAME) {
  const prefix =
    name === DEFAULT_FILE_SYSTEM_NAME
      ? 'AIOFS_'
      : `AIOFS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
  return {
    url: `${prefix}URL`,
    redisPassword: `${prefix}REDIS_PASSWORD`,
    redisClusterNodes: `${prefix}REDIS_CLUSTER_NODES`,
    azureConnectionString: `${prefix}AZURE_CONNECTION_STRING`,
    azureAccountUrl: `${prefix}AZURE_ACCOUNT_URL`,
  };
}

function reader(source: EnvSource): (key: string) => string | undefined {
  if (typeof (source as { get?: unknown }).get === 'function') {
    const config = source as { get(key: string): unknown };
    return (key) => {
      const value = config.get(key);
      return value === undefined || value === null || value === '' ? undefined : String(value);
    };
  }
  const env = source as Record<string, string | undefined>;
  return (key) => (env[key] === '' ? undefined : env[key]);
}

/**
 * File system options from environment variables, so that the backend is switched without code
 * change: `AIOFS_URL` (or `AIOFS_<NAME>_URL`) names the backend (DESIGN §5 URLs); secrets come from
 * their own variables: `AIOFS_REDIS_PASSWORD`, `AIOFS_AZURE_CONNECTION_STRING` or
 * `AIOFS_AZURE_ACCOUNT_URL` (with a SAS, or signed in with DefaultAzureCredential).
 * A missing or malformed variable fails with its name and an example; no secret is ever printed.
 */
export function aiofsOptionsFromEnv(
  source: EnvSource = process.env,
  name: string = DEFAULT_FILE_SYSTEM_NAME,
): FileSystemOptions {
  const get = reader(source);
  const names = aiofsEnvNames(name);
  const url = get(names.url);
  if (!url) {
    throw new InvalidArgumentError(
      `Set ${names.url} to the URL of the '${name}' file system, e.g. ${names.url}=file:./data (or ${OTHER_URL_EXAMPLES})`,
    );
  }
  let options: FileSystemOptions;
  try {
    options = parseFileSystemUrl(url);
  } catch (error) {
    // The parser's message names the (redacted) URL and shows the example that fits.
    throw new InvalidArgumentError(
      `${names.url} is not a valid file system URL: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (options.backend === 'redis') {
    const password = get(names.redisPassword);
    const nodes = get(names.redisClusterNodes);
    if (nodes) {
      // The URL still names the backend and its query options; the nodes replace its host.
      const { url: _seed, ...rest } = options;
      return {
        ...rest,
        cluster: { nodes: parseNodes(names.redisClusterNodes, nodes) },
        ...(password ? { redisOptions: { password } } : {}),
      };
    }
    return { ...options, ...(password ? { redisOptions: { password } } : {}) };
  }
  if (options.backend === 'azure') {
    const connectionString = get(names.azureConnectionString);
    const accountUrl = get(names.azureAccountUrl);
    if (connectionString) return { ...options, connectionString };
    if (accountUrl)
      return {
        ...options,
        accountUrl,
        ...(accountUrl.includes('?') ? {} : { credential: defaultAzureCredential() }),
      };
    throw new InvalidArgumentError(
      `${names.url} is an Azure URL: set ${names.azureConnectionString} (e.g. DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…) or ${names.azureAccountUrl} (https://<account>.blob.core.windows.net, signed in with DefaultAzureCredential, or with a SAS query)`,
    );
  }
  return options;
}

/** The `ConfigService` twin of `aiofsOptionsFromEnv` (`@nestjs/config`). */
export function aiofsOptionsFromConfig(
  config: { get(key: string): unknown },
  name?: string,
): FileSystemOptions {
  return aiofsOptionsFromEnv(config, name);
}

function parseNodes(variable: string, value: string): Array<{ host: string; port: number }> {
  return value.split(',').map((entry) => {
    // A host never holds '@', '/' or a space: such an entry may carry a password.
    const match = /^\s*(?:\[([^\]\s@/]+)\]|([^[\]\s@/]+)):(\d+)\s*$/.exec(entry);
    if (!match)
      throw new InvalidArgumentError(
        `${variable} is a comma-separated list of host:port, e.g. ${variable}=10.0.0.1:7000,10.0.0.2:7000 (got '${redactUrl(entry)}')`,
      );
    return { host: match[1] ?? match[2], port: Number(match[3]) };
  });
}

function defaultAzureCredential(): unknown {
  const identity = loadSdk<{ DefaultAzureCredential: new () => unknown }>(
    '@azure/identity',
    'azure',
  );
  return new identity.DefaultAzureCredential();
}
