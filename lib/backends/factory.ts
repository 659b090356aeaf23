import { InvalidArgumentError, type FileLikeSystem } from '../core';
import type { CustomFileSystemOptions, FileSystemOptions } from './file-system-options';
import { parseFileSystemUrl } from './url';

export type BackendFactory = (options: never) => Promise<FileLikeSystem>;

/** Backends by name, each loaded (with its SDK) only when a file system of its kind is created. */
const backends = new Map<string, () => Promise<BackendFactory>>([
  ['memory', async () => (await import('./memory')).createMemoryFileSystem as BackendFactory],
  ['local', async () => (await import('./local')).createLocalFileSystem as BackendFactory],
  ['azure', async () => (await import('./azure')).createAzureFileSystem as BackendFactory],
  ['redis', async () => (await import('./redis')).createRedisFileSystem as BackendFactory],
  ['s3', async () => (await import('./s3')).createS3FileSystem as BackendFactory],
]);

/** Adds a backend: `createFileSystem({ backend: name, ... })` then calls `factory(options)`. */
export function registerBackend(
  name: string,
  factory: (options: CustomFileSystemOptions) => Promise<FileLikeSystem>,
): void {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new InvalidArgumentError(
      `A backend name is lowercase letters, digits and '-', not ${JSON.stringify(name)}`,
    );
  }
  backends.set(name, async () => factory as BackendFactory);
}

/** Creates and connects a file system from options or a URL (`memory://`, `file:./data`, `redis://…`, `azure://container`, `s3://bucket`). */
export async function createFileSystem(
  options: FileSystemOptions | CustomFileSystemOptions | string,
): Promise<FileLikeSystem> {
  const resolved = typeof options === 'string' ? parseFileSystemUrl(options) : options;
  if (!resolved || typeof resolved !== 'object' || typeof resolved.backend !== 'string') {
    throw new InvalidArgumentError(
      `createFileSystem needs a URL or options with a backend: one of ${[...backends.keys()].join(', ')}`,
    );
  }
  const load = backends.get(resolved.backend);
  if (!load) {
    throw new InvalidArgumentError(
      `Unknown backend '${resolved.backend}'; known: ${[...backends.keys()].join(', ')}`,
    );
  }
  const factory = await load();
  return factory(resolved as never);
}

export function knownBackends(): string[] {
  return [...backends.keys()];
}
