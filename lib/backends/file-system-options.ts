import type { CommonFileSystemOptions } from '../core';
import type { AzureFileSystemOptions } from './azure/azure-options';
import type { LocalFileSystemOptions } from './local';
import type { MemoryFileSystemOptions } from './memory';
import type { RedisFileSystemOptions } from './redis/redis-options';
import type { S3FileSystemOptions } from './s3/s3-options';

/** Options of a backend registered with `registerBackend`. */
export interface CustomFileSystemOptions extends CommonFileSystemOptions {
  backend: string;
  [option: string]: unknown;
}

export type FileSystemOptions =
  | MemoryFileSystemOptions
  | LocalFileSystemOptions
  | RedisFileSystemOptions
  | AzureFileSystemOptions
  | S3FileSystemOptions;

export type {
  AzureFileSystemOptions,
  LocalFileSystemOptions,
  MemoryFileSystemOptions,
  RedisFileSystemOptions,
  S3FileSystemOptions,
};
