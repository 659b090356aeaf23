import { Global, Injectable, Module } from '@nestjs/common';
import { InvalidArgumentError } from '../core';

/** The names of the file systems of one application, to refuse a name registered twice. */
@Injectable()
export class AiofsRegistry {
  private readonly names = new Set<string>();

  claim(name: string): void {
    if (this.names.has(name)) {
      throw new InvalidArgumentError(
        `The aiofs file system '${name}' is registered twice; give each AiofsModule.forRoot/forRootAsync its own name`,
      );
    }
    this.names.add(name);
  }
}

/** One registry per application: Nest instantiates a static module once per container. */
@Global()
@Module({ providers: [AiofsRegistry], exports: [AiofsRegistry] })
export class AiofsRegistryModule {}
