import {
  BackendUnavailableError,
  BlockingIOError,
  FileNotFoundError,
  FileSystemError,
} from '../../core';
import {
  accessRefusedError,
  NETWORK_CODES as SHARED_NETWORK_CODES,
} from '../object-store/store-errors';

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
}

/** The SDK's own code for a request it could not send, beside the shared network codes. */
const NETWORK_CODES = new Set([...SHARED_NETWORK_CODES, 'REQUEST_SEND_ERROR']);

export function statusOf(error: unknown): number | undefined {
  const status = (error as ErrorShape | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as ErrorShape | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** The blob exists but the range starts at or past its end (an empty blob has no range). */
export function isInvalidRange(error: unknown): boolean {
  return statusOf(error) === 416;
}

/** Another client holds the lease, or ours was replaced. */
export function isLeaseConflict(error: unknown): boolean {
  const status = statusOf(error);
  return (status === 409 || status === 412) && /lease/i.test(codeOf(error) ?? '');
}

/** An `If-Match` / `If-None-Match: *` condition failed: the blob is not the version we expected. */
export function isConditionFailed(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || (status === 409 && codeOf(error) === 'BlobAlreadyExists');
}

/** The service could not be reached or did not answer in time (after the SDK's retries). */
export function isUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const status = statusOf(error);
  if (status !== undefined) return status === 408 || status >= 500;
  const { name } = error as ErrorShape;
  return name === 'AbortError' || NETWORK_CODES.has(codeOf(error) ?? '');
}

/** A short reason for a message: the error code or status, never a URL or header. */
export function reasonOf(error: unknown): string {
  if ((error as ErrorShape | undefined)?.name === 'AbortError') return 'no answer in time';
  return codeOf(error) ?? (statusOf(error) ? `HTTP ${statusOf(error)}` : 'request failed');
}

/** Types an SDK error (DESIGN §2); undefined leaves it to the facade's generic wrapper. */
export function translateAzureError(
  error: unknown,
  where: string,
  path?: string,
): Error | undefined {
  if (error instanceof FileSystemError) return error;
  if (isUnavailable(error)) {
    return new BackendUnavailableError('azure', where, {
      cause: error,
      path,
      detail: reasonOf(error),
    });
  }
  if (codeOf(error) === 'ContainerNotFound') {
    return new BackendUnavailableError('azure', where, {
      cause: error,
      path,
      detail: 'the container does not exist',
    });
  }
  const status = statusOf(error);
  if (status === 401 || status === 403) {
    const check = 'the credential and its permissions';
    return accessRefusedError('Azure', where, path, reasonOf(error), check, error);
  }
  if (path && isNotFound(error)) return new FileNotFoundError(path, { cause: error });
  if (path && isLeaseConflict(error)) return new BlockingIOError(path, { cause: error });
  return undefined;
}
