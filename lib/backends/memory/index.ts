import { DriverFileSystem, type CommonFileSystemOptions } from '../../core';
import { MemoryDriver } from './memory-driver';

export interface MemoryFileSystemOptions extends CommonFileSystemOptions {
  backend: 'memory';
}

/** A file system in this process's memory: the reference backend and the one-line test double. */
export async function createMemoryFileSystem(
  options: Partial<MemoryFileSystemOptions> = {},
): Promise<DriverFileSystem> {
  return new DriverFileSystem(new MemoryDriver(), { lockTtlMs: options.lockTtlMs });
}

export { MemoryDriver };
