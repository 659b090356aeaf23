import { checkLockTtl, InvalidArgumentError, normalizePath } from '../../core';
import { describe, httpUrl, optionalBoolean, wholeNumber } from '../object-store/option-values';
import type { S3FileSystemOptions } from './s3-options';

const EXAMPLE = "{ backend: 's3', bucket: 'my-bucket', region: 'eu-west-1' }";

export interface S3Settings {
  bucket: string;
  /** '' or a prefix ending in '/'. */
  prefix: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  client?: object;
  createBucket: boolean;
  lockTtlMs?: number;
  /** Inactivity bound of one try, for the client aiofs makes. */
  requestTimeoutMs: number;
  unsafeNoLocks: boolean;
}

/** DNS-compatible bucket names: 3–63 lowercase letters, digits, dots and hyphens. */
const BUCKET_NAME = /^(?=.{3,63}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,40}$/;
const KNOWN = new Set([
  'backend',
  'bucket',
  'prefix',
  'region',
  'endpoint',
  'forcePathStyle',
  'credentials',
  'client',
  'createBucket',
  'lockTtlMs',
  'requestTimeoutMs',
  'unsafeNoLocks',
]);

/** Checks the options before anything connects (DESIGN §7: bad input is a typed error). */
export function checkS3Options(options: S3FileSystemOptions): S3Settings {
  if (!options || typeof options !== 'object') {
    throw new InvalidArgumentError(`The s3 backend needs options like ${EXAMPLE}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new InvalidArgumentError(
        `Unknown s3 option '${key}'; known: ${[...KNOWN].filter((k) => k !== 'backend').join(', ')}`,
      );
    }
  }
  const bucket = options.bucket;
  if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new InvalidArgumentError(
      `bucket must be 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not ${describe(bucket)}; e.g. ${EXAMPLE}`,
    );
  }
  if (options.lockTtlMs !== undefined) checkLockTtl(options.lockTtlMs);
  const client = checkClient(options);
  return {
    bucket,
    prefix: checkPrefix(options.prefix),
    region: optionalString('region', options.region, REGION, "'eu-west-1'"),
    endpoint: checkEndpoint(options.endpoint),
    forcePathStyle: optionalBoolean('forcePathStyle', options.forcePathStyle),
    credentials: checkCredentials(options.credentials),
    client,
    createBucket: optionalBoolean('createBucket', options.createBucket) ?? false,
    lockTtlMs: options.lockTtlMs,
    requestTimeoutMs:
      wholeNumber('requestTimeoutMs', options.requestTimeoutMs, 100, 600_000) ?? 30_000,
    unsafeNoLocks: optionalBoolean('unsafeNoLocks', options.unsafeNoLocks) ?? false,
  };
}

function checkClient(options: S3FileSystemOptions): object | undefined {
  const client = options.client as { send?: unknown } | undefined;
  if (client === undefined) return undefined;
  if (!client || typeof client !== 'object' || typeof client.send !== 'function') {
    throw new InvalidArgumentError(
      `client must be an S3Client of @aws-sdk/client-s3, not ${describe(options.client)}`,
    );
  }
  for (const key of [
    'region',
    'endpoint',
    'forcePathStyle',
    'credentials',
    'requestTimeoutMs',
  ] as const) {
    if (options[key] !== undefined) {
      throw new InvalidArgumentError(
        `${key} configures the client aiofs makes; with your own client, set it on the client instead`,
      );
    }
  }
  return client;
}

/** A prefix is a path (DESIGN §3 rules) with a trailing '/' implied; '' or absent is none. */
function checkPrefix(value: unknown): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(
      `prefix must be a string like 'app/files', not ${describe(value)}`,
    );
  }
  let normalized: string;
  try {
    normalized = normalizePath(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `prefix ${JSON.stringify(value)} is not a valid key prefix: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (Buffer.byteLength(normalized) > 512) {
    throw new InvalidArgumentError('prefix must be at most 512 UTF-8 bytes');
  }
  return `${normalized}/`;
}

function checkEndpoint(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const url = httpUrl(value);
  if (!url) {
    throw new InvalidArgumentError(
      `endpoint must be an http(s) URL like 'http://127.0.0.1:9000', not ${describe(value)}`,
    );
  }
  if (url.username || url.password || url.search) {
    throw new InvalidArgumentError(
      'endpoint must not carry credentials or a query: pass keys in credentials (or the SDK chain)',
    );
  }
  return url.toString().replace(/\/$/, '');
}

function checkCredentials(value: unknown): S3Settings['credentials'] {
  if (value === undefined) return undefined;
  const c = value as Record<string, unknown> | null;
  const fine = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (
    !c ||
    typeof c !== 'object' ||
    !fine(c.accessKeyId) ||
    !fine(c.secretAccessKey) ||
    (c.sessionToken !== undefined && !fine(c.sessionToken))
  ) {
    throw new InvalidArgumentError(
      'credentials must be { accessKeyId, secretAccessKey, sessionToken? } with non-empty strings',
    );
  }
  return {
    accessKeyId: c.accessKeyId as string,
    secretAccessKey: c.secretAccessKey as string,
    ...(c.sessionToken === undefined ? {} : { sessionToken: c.sessionToken as string }),
  };
}

function optionalString(
  name: string,
  value: unknown,
  pattern: RegExp,
  example: string,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InvalidArgumentError(`${name} must be like ${example}, not ${describe(value)}`);
  }
  return value;
}
