import {
  BackendUnavailableError,
  FileNotFoundError,
  FileSystemError,
  InvalidArgumentError,
  InvalidPathError,
} from '../../core';
import { accessRefusedError, NETWORK_CODES } from '../object-store/store-errors';
import { isNotFoundError, nameOf, statusOf } from './s3-api';

const ACCESS_NAMES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
]);

/**
 * A network error's code. The SDK's retry step rewraps an error from another realm (a Jest
 * sandbox, for one) as `AWS SDK error wrapper for Error: connect ECONNREFUSED …`, keeping only the
 * message: the code is read from there too.
 */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const message = (error as { message?: unknown } | undefined)?.message;
  if (typeof message !== 'string' || !message.startsWith('AWS SDK error wrapper for'))
    return undefined;
  return /\b(E[A-Z_]{3,})\b/.exec(message)?.[1];
}

/** The store could not be reached or did not answer (after the SDK's retries). */
export function isUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const status = statusOf(error);
  if (status !== undefined) return status === 408 || status >= 500;
  const name = nameOf(error);
  return (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    NETWORK_CODES.has(codeOf(error) ?? '') ||
    NETWORK_CODES.has(codeOf((error as { cause?: unknown }).cause) ?? '')
  );
}

/** A short reason for a message: the error's name or status, never a URL, header or key. */
export function reasonOf(error: unknown): string {
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown })?.cause);
  if (code && NETWORK_CODES.has(code)) return code;
  const status = statusOf(error);
  const name = nameOf(error);
  if (name && name !== 'Error' && name !== 'UnknownError') return name;
  return status ? `HTTP ${status}` : 'request failed';
}

/** Types an SDK error (DESIGN §2); undefined leaves it to the facade's generic wrapper. */
export function translateS3Error(error: unknown, where: string, path?: string): Error | undefined {
  if (error instanceof FileSystemError) return error;
  const name = nameOf(error);
  if (name === 'NoSuchBucket') {
    return new BackendUnavailableError('s3', where, {
      cause: error,
      path,
      detail: 'the bucket does not exist',
    });
  }
  if (isUnavailable(error)) {
    return new BackendUnavailableError('s3', where, {
      cause: error,
      path,
      detail: reasonOf(error),
    });
  }
  const status = statusOf(error);
  if (status === 401 || status === 403 || ACCESS_NAMES.has(name ?? '')) {
    const check = 'the credentials and their permissions';
    return accessRefusedError('S3', where, path, reasonOf(error), check, error);
  }
  if (name === 'KeyTooLongError' && path) {
    return new InvalidPathError(path, 'the key (prefix + path) is longer than S3 allows', {
      cause: error,
    });
  }
  if (/region is missing/i.test((error as Error)?.message ?? '')) {
    return new InvalidArgumentError(
      `The s3 backend needs a region: pass region (e.g. 'eu-west-1') or set AWS_REGION`,
      { cause: error },
    );
  }
  if (path && isNotFoundError(error)) return new FileNotFoundError(path, { cause: error });
  return undefined;
}
