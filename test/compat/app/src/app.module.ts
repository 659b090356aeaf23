import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AiofsModule, aiofsOptionsFromConfig } from 'aiofs';
import { FilesModule } from './files/files.module.js';
import { HealthModule } from './health/health.module.js';

/** The consumer's root module: every file system registered here, used in feature modules. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
    // The default file system: AIOFS_URL (the private Redis) through ConfigService.
    AiofsModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        ...aiofsOptionsFromConfig(config),
        retryAttempts: 2,
        retryDelay: 100,
      }),
    }),
    // A named one through ConfigService: AIOFS_CACHE_URL.
    AiofsModule.forRootAsync({
      name: 'cache',
      inject: [ConfigService],
      useFactory: (config: ConfigService) => aiofsOptionsFromConfig(config, 'cache'),
    }),
    // A named one with forRoot: the local disk.
    AiofsModule.forRoot({ name: 'scratch', backend: 'local', root: process.env.SCRATCH_DIR! }),
    FilesModule,
    HealthModule,
  ],
})
export class AppModule {}
