import { Module } from '@nestjs/common';
import { AiofsModule, aiofsOptionsFromEnv } from '../lib';
import { FilesModule } from './files/files.module';
import { HealthModule } from './health/health.module';

/** Defaults that make `npm start` work on a fresh clone: files on disk, a cache in memory. */
const env = () => ({ AIOFS_URL: 'file:./data', AIOFS_CACHE_URL: 'memory://', ...process.env });

@Module({
  imports: [
    // The default file system: AIOFS_URL switches the backend without a code change.
    AiofsModule.forRootAsync({ isGlobal: true, useFactory: () => aiofsOptionsFromEnv(env()) }),
    // A named one, injected with @InjectFileSystem('cache').
    AiofsModule.forRootAsync({
      name: 'cache',
      isGlobal: true,
      useFactory: () => aiofsOptionsFromEnv(env(), 'cache'),
    }),
    FilesModule,
    HealthModule,
  ],
})
export class AppModule {}
