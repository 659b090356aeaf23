import {
  checkLockTtl,
  DriverFileSystem,
  InvalidArgumentError,
  type CommonFileSystemOptions,
} from '../../core';
import { LocalDriver } from './local-driver';
import { LocalPaths } from './local-paths';
import { sweepTempFiles } from './sweep';

export interface LocalFileSystemOptions extends CommonFileSystemOptions {
  backend: 'local';
  /** The folder that holds the files; created when missing. Relative to the working directory. */
  root: string;
  /** fsync the file and its folder at every commit (default true). */
  durable?: boolean;
}

export async function createLocalFileSystem(
  options: LocalFileSystemOptions,
): Promise<DriverFileSystem> {
  if (typeof options.root !== 'string' || options.root === '') {
    throw new InvalidArgumentError(
      `The local backend needs a root folder: { backend: 'local', root: './data' }`,
    );
  }
  if (options.durable !== undefined && typeof options.durable !== 'boolean') {
    throw new InvalidArgumentError(`durable must be a boolean, not ${typeof options.durable}`);
  }
  const lockTtlMs = checkLockTtl(options.lockTtlMs);
  const paths = await LocalPaths.open(options.root);
  await sweepTempFiles(paths);
  return new DriverFileSystem(new LocalDriver(paths, options.durable ?? true, lockTtlMs), {
    lockTtlMs,
  });
}

export { LocalDriver };
