import type * as AzureSdk from '@azure/storage-blob';
import type {
  ContainerClient,
  RequestPolicy,
  RequestPolicyFactory,
  WebResource,
} from '@azure/storage-blob';
import { InvalidArgumentError } from '../../core';
import type { AzureSettings } from './azure-settings';

export type Sdk = typeof AzureSdk;

/**
 * The SDK's `tryTimeoutInMs` only asks the server to give up; this also bounds how long the client
 * waits for each try's answer (the headers), so an unreachable host fails in bounded time. A
 * response body that is already streaming is not cut. It aborts the try itself rather than set
 * `request.timeout`: the SDK's HTTP client leaves the timer of that option running after a try
 * that failed, which kept a process alive for the whole timeout after `close()`.
 */
function requestTimeoutPolicy(timeoutMs: number) {
  return {
    name: 'aiofsRequestTimeout',
    sendRequest: async (
      request: { timeout: number; abortSignal?: AbortSignal },
      next: (request: never) => Promise<unknown>,
    ) => {
      if (request.timeout > 0) return next(request as never);
      const outer = request.abortSignal;
      const timedOut = new AbortController();
      const timer = setTimeout(() => timedOut.abort(), timeoutMs);
      request.abortSignal = outer ? AbortSignal.any([outer, timedOut.signal]) : timedOut.signal;
      try {
        return await next(request as never);
      } finally {
        clearTimeout(timer);
        request.abortSignal = outer;
      }
    },
  };
}

/** The same as a (slower) compatibility policy, for an SDK that keeps its pipeline elsewhere. */
function compatRequestTimeoutPolicy(timeoutMs: number): RequestPolicyFactory {
  return {
    create: (next: RequestPolicy): RequestPolicy => ({
      sendRequest: (request: WebResource) => {
        if (!(request.timeout > 0)) request.timeout = timeoutMs;
        return next.sendRequest(request);
      },
    }),
  };
}

/**
 * Adds the timeout policy to the core pipeline the SDK built for `pipeline` (12.x keeps it in
 * `_corePipeline` once a client exists); falls back to a policy factory otherwise.
 */
function addRequestTimeout(pipeline: AzureSdk.Pipeline, timeoutMs: number): void {
  const core = (
    pipeline as { _corePipeline?: { addPolicy?: (policy: object, at?: object) => void } }
  )._corePipeline;
  // After the retry policy: each try has its own time.
  if (typeof core?.addPolicy === 'function')
    core.addPolicy(requestTimeoutPolicy(timeoutMs), { afterPhase: 'Retry' });
  else pipeline.factories.push(compatRequestTimeoutPolicy(timeoutMs));
}

/** The container's client, on a pipeline with few, short retries. No network call. */
export function containerClientFor(sdk: Sdk, settings: AzureSettings): ContainerClient {
  const { source } = settings;
  if (source.kind === 'containerClient') return source.containerClient as ContainerClient;
  let url: string;
  let credential: AzureSdk.StorageSharedKeyCredential | AzureSdk.AnonymousCredential | object;
  if (source.kind === 'connectionString') {
    let parsed: AzureSdk.BlobServiceClient;
    try {
      parsed = sdk.BlobServiceClient.fromConnectionString(source.connectionString);
    } catch {
      // The SDK's message may quote the string; ours never does.
      throw new InvalidArgumentError(
        'connectionString is not a valid storage connection string: it needs AccountName and AccountKey (or SharedAccessSignature) and a BlobEndpoint or EndpointSuffix',
      );
    }
    url = parsed.url;
    credential = parsed.credential;
  } else {
    url = source.accountUrl;
    credential = source.credential ?? new sdk.AnonymousCredential();
  }
  const pipeline = sdk.newPipeline(credential as AzureSdk.AnonymousCredential, {
    retryOptions: {
      maxTries: settings.maxTries,
      // The service's own limit (whole seconds, 30 at most for most operations).
      tryTimeoutInMs: Math.min(30_000, Math.max(1_000, settings.requestTimeoutMs)),
      retryDelayInMs: 200,
      maxRetryDelayInMs: 2_000,
    },
  });
  const service = new sdk.BlobServiceClient(url, pipeline);
  addRequestTimeout(pipeline, settings.requestTimeoutMs);
  return service.getContainerClient(settings.container);
}

/** The account, endpoint and container, for messages: no query (a SAS), no key. */
export function describeContainer(client: ContainerClient): string {
  let endpoint = client.url;
  try {
    const url = new URL(client.url);
    url.search = '';
    url.hash = '';
    url.username = '';
    url.password = '';
    endpoint = url.toString();
  } catch {
    endpoint = client.url.split('?')[0];
  }
  return `account '${client.accountName}' (${endpoint}), container '${client.containerName}'`;
}
