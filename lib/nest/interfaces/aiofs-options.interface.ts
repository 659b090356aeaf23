import type { ModuleMetadata, Provider, Type } from '@nestjs/common';
import type { CustomFileSystemOptions, FileSystemOptions } from '../../backends';

/** How the module connects at startup. */
export interface AiofsConnectionOptions {
  /** Attempts to connect before the application fails to start (default 5). */
  retryAttempts?: number;
  /** Pause between attempts in ms (default 1000). */
  retryDelay?: number;
}

/** What a factory returns: a backend's options (or a URL) and the connection policy. */
export type AiofsOptions = (FileSystemOptions | CustomFileSystemOptions | { url: string }) &
  AiofsConnectionOptions;

/** `AiofsModule.forRoot(...)`: a name, visibility, and the file system's own options. */
export type AiofsModuleOptions = AiofsOptions & {
  /** Several file systems live side by side under different names; default `'default'`. */
  name?: string;
  /**
   * Injectable in every module of the application (default true); `false` keeps it to the module
   * that imports `AiofsModule.forRoot(...)`.
   */
  isGlobal?: boolean;
};

export interface AiofsOptionsFactory {
  createAiofsOptions(name: string): Promise<AiofsOptions> | AiofsOptions;
}

export interface AiofsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  name?: string;
  /** As in `forRoot`: injectable in every module (default true); `false` opts out. */
  isGlobal?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory?: (...args: any[]) => Promise<AiofsOptions> | AiofsOptions;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inject?: any[];
  useClass?: Type<AiofsOptionsFactory>;
  useExisting?: Type<AiofsOptionsFactory>;
  extraProviders?: Provider[];
}
