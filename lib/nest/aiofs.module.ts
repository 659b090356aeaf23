import { Module, type DynamicModule } from '@nestjs/common';
import { AiofsCoreModule } from './aiofs-core.module';
import type { AiofsModuleAsyncOptions, AiofsModuleOptions } from './interfaces';

/**
 * Registers a file system: `AiofsModule.forRoot({ backend: 'local', root: './data' })`, then
 * inject it as `FileLikeSystem` (the default one) or with `@InjectFileSystem(name)`.
 */
@Module({})
export class AiofsModule {
  static forRoot(options: AiofsModuleOptions): DynamicModule {
    return {
      module: AiofsModule,
      imports: [AiofsCoreModule.forRoot(options)],
      exports: [AiofsCoreModule],
    };
  }

  static forRootAsync(options: AiofsModuleAsyncOptions): DynamicModule {
    return {
      module: AiofsModule,
      imports: [AiofsCoreModule.forRootAsync(options)],
      exports: [AiofsCoreModule],
    };
  }
}
