import { Global, Injectable, Module } from '@nestjs/common';
import { InvalidArgumentError, type FileLikeSystem } from '../core';

/**
 * The file systems of one application: refuses a name registered twice, and then closes the
 * ones already connected (the application will not start, so no shutdown hook would close them).
 */
@Injectable()
export class AiofsRegistry {
  private readonly names = new Set<string>();
  private readonly connected: FileLikeSystem[] = [];
  private failure?: Error;

  claim(name: string): void {
    if (this.failure) throw this.failure;
    if (this.names.has(name)) {
      this.failure = new InvalidArgumentError(
        `The aiofs file system '${name}' is registered twice; give each AiofsModule.forRoot/forRootAsync its own name`,
      );
      for (const fs of this.connected.splice(0)) void fs.close().catch(() => undefined);
      throw this.failure;
    }
    this.names.add(name);
  }

  /** Keeps `fs` for a cleanup if the start fails; closes it at once if it already has. */
  async track(fs: FileLikeSystem): Promise<FileLikeSystem> {
    if (this.failure) {
      await fs.close().catch(() => undefined);
      throw this.failure;
    }
    this.connected.push(fs);
    return fs;
  }
}

/** One registry per application: Nest instantiates a static module once per container. */
@Global()
@Module({ providers: [AiofsRegistry], exports: [AiofsRegistry] })
export class AiofsRegistryModule {}
