import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { Sdk } from './s3-api';
import type { S3Settings } from './s3-settings';

/** How long a connection may take before the try fails (the SDK then retries). */
const CONNECT_TIMEOUT_MS = 5_000;

/** The client aiofs makes (or the caller's own, untouched), and whether aiofs owns it. */
export function clientFor(sdk: Sdk, settings: S3Settings): { client: S3Client; owned: boolean } {
  if (settings.client) return { client: settings.client as S3Client, owned: false };
  const config: S3ClientConfig = {
    region: settings.region ?? (settings.endpoint ? 'us-east-1' : undefined),
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    maxAttempts: 3,
    // socketTimeout is an inactivity bound (a stalled request or body fails; a moving one never
    // does); older handlers read it as the alias of their requestTimeout, which meant the same.
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: settings.requestTimeoutMs,
    },
  };
  if (settings.endpoint) {
    // S3-compatible stores differ in the newer default checksums; send them only when required.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  return { client: new sdk.S3Client(config), owned: true };
}

/** The endpoint and bucket, for messages: never a key, token or query. */
export function describeBucket(settings: S3Settings, client: S3Client): string {
  let endpoint = settings.endpoint;
  if (!endpoint && settings.region) endpoint = `s3.${settings.region}.amazonaws.com`;
  if (!endpoint) {
    const region = (client.config as { region?: unknown }).region;
    endpoint = typeof region === 'string' ? `s3.${region}.amazonaws.com` : 'S3';
  }
  return `bucket '${settings.bucket}' at ${endpoint}`;
}
