import { Logger } from '@nestjs/common';
import { createFileSystem, parseFileSystemUrl } from '../backends';
import { FileLikeSystem, FileSystemError, InvalidArgumentError } from '../core';
import {
  DEFAULT_FILE_SYSTEM_NAME,
  DEFAULT_RETRY_ATTEMPTS,
  DEFAULT_RETRY_DELAY_MS,
} from './aiofs.constants';
import type { AiofsOptions } from './interfaces';

/** The injection token of a file system: the `FileLikeSystem` class for the default one. */
export function getFileSystemToken(
  name: string = DEFAULT_FILE_SYSTEM_NAME,
): string | typeof FileLikeSystem {
  return name === DEFAULT_FILE_SYSTEM_NAME ? FileLikeSystem : `aiofs:${name}:FileSystem`;
}

/** The token of a file system's resolved options. */
export function getAiofsOptionsToken(name: string = DEFAULT_FILE_SYSTEM_NAME): string {
  return `aiofs:${name}:Options`;
}

export function checkName(name: unknown): string {
  if (name === undefined) return DEFAULT_FILE_SYSTEM_NAME;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    throw new InvalidArgumentError(
      `An aiofs file system name is letters, digits, '_' and '-', not ${JSON.stringify(name)}`,
    );
  }
  return name;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Errors that no retry can fix: bad options, a missing SDK. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof InvalidArgumentError ||
    (error instanceof FileSystemError && error.code === 'ENOPKG')
  );
}

function wholeNumber(name: string, fsName: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(
      `aiofs file system '${fsName}': ${name} must be a whole number >= 0, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Creates the file system and checks it answers (`ping`): at most `retryAttempts` attempts in
 * all (at least one), `retryDelay` ms apart, each failure logged through Nest's Logger. Bad
 * options are not retried.
 */
export async function connectFileSystem(
  name: string,
  options: AiofsOptions,
  logger = new Logger('AiofsModule'),
): Promise<FileLikeSystem> {
  if (!options || typeof options !== 'object') {
    throw new InvalidArgumentError(
      `aiofs file system '${name}': the options factory returned ${String(options)}, not options`,
    );
  }
  const {
    retryAttempts = DEFAULT_RETRY_ATTEMPTS,
    retryDelay = DEFAULT_RETRY_DELAY_MS,
    ...rest
  } = options as AiofsOptions & { name?: unknown; isGlobal?: unknown };
  delete (rest as { name?: unknown }).name;
  delete (rest as { isGlobal?: unknown }).isGlobal;
  const { url, ...overrides } = rest as { url?: string } & Record<string, unknown>;
  const attempts = Math.max(1, wholeNumber('retryAttempts', name, retryAttempts));
  wholeNumber('retryDelay', name, retryDelay);
  const resolved = url !== undefined ? { ...parseFileSystemUrl(url), ...overrides } : rest;
  for (let attempt = 1; ; attempt++) {
    let fs: FileLikeSystem | undefined;
    try {
      fs = await createFileSystem(resolved as never);
      await fs.ping();
      if (attempt > 1)
        logger.log(`File system '${name}' (${fs.backend}) connected after ${attempt} attempts`);
      return fs;
    } catch (error) {
      await fs?.close().catch(() => undefined);
      if (isPermanent(error) || attempt >= attempts) {
        logger.error(`File system '${name}' could not start: ${(error as Error).message}`);
        throw error;
      }
      logger.error(
        `Unable to connect to file system '${name}': ${(error as Error).message}. Retrying (${attempt}/${attempts})...`,
      );
      await sleep(retryDelay);
    }
  }
}
