import { randomUUID } from 'node:crypto';
import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InvalidArgumentError, type FileLikeSystem } from '../core';
import { AIOFS_MODULE_ID } from './aiofs.constants';
import {
  checkName,
  connectFileSystem,
  getAiofsOptionsToken,
  getFileSystemToken,
} from './aiofs.utils';
import { AiofsRegistry, AiofsRegistryModule } from './aiofs-registry';
import type {
  AiofsModuleAsyncOptions,
  AiofsModuleOptions,
  AiofsOptions,
  AiofsOptionsFactory,
} from './interfaces';

const NAME = 'AIOFS_FILE_SYSTEM_NAME';

/** One file system: its options, its connection at startup, and its close at shutdown. */
@Module({})
export class AiofsCoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(NAME) private readonly name: string,
    private readonly moduleRef: ModuleRef,
  ) {}

  static forRoot(options: AiofsModuleOptions): DynamicModule {
    const name = checkName(options.name);
    const optionsProvider: Provider = { provide: getAiofsOptionsToken(name), useValue: options };
    return this.assemble(name, options.isGlobal, [optionsProvider]);
  }

  static forRootAsync(options: AiofsModuleAsyncOptions): DynamicModule {
    const name = checkName(options.name);
    return this.assemble(
      name,
      options.isGlobal,
      [...this.asyncProviders(name, options), ...(options.extraProviders ?? [])],
      options.imports,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    // Only this module's own file system: handles aborted, locks released, owned clients quit.
    const fs = this.moduleRef.get<FileLikeSystem>(getFileSystemToken(this.name));
    await fs.close();
  }

  private static assemble(
    name: string,
    isGlobal: boolean | undefined,
    providers: Provider[],
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    const token = getFileSystemToken(name);
    const fileSystemProvider: Provider = {
      provide: token,
      useFactory: async (registry: AiofsRegistry, options: AiofsOptions) => {
        registry.claim(name);
        return registry.track(await connectFileSystem(name, options));
      },
      inject: [AiofsRegistry, getAiofsOptionsToken(name)],
    };
    return {
      module: AiofsCoreModule,
      // Injectable in every module, like typeorm's core module, unless the caller opts out.
      global: isGlobal !== false,
      imports: [AiofsRegistryModule, ...imports],
      providers: [
        { provide: AIOFS_MODULE_ID, useValue: randomUUID() },
        { provide: NAME, useValue: name },
        ...providers,
        fileSystemProvider,
      ],
      exports: [token],
    };
  }

  private static asyncProviders(name: string, options: AiofsModuleAsyncOptions): Provider[] {
    const token = getAiofsOptionsToken(name);
    if (options.useFactory) {
      return [{ provide: token, useFactory: options.useFactory, inject: options.inject ?? [] }];
    }
    const factoryClass = options.useClass ?? options.useExisting;
    if (!factoryClass) {
      throw new InvalidArgumentError(
        `AiofsModule.forRootAsync for '${name}' needs useFactory, useClass or useExisting, e.g. { useFactory: (config: ConfigService) => aiofsOptionsFromConfig(config), inject: [ConfigService] }`,
      );
    }
    return [
      ...(options.useClass ? [{ provide: options.useClass, useClass: options.useClass }] : []),
      {
        provide: token,
        useFactory: (factory: AiofsOptionsFactory) => factory.createAiofsOptions(name),
        inject: [factoryClass],
      },
    ];
  }
}
