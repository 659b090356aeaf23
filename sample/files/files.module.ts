import { Module } from '@nestjs/common';
import type { Request } from 'express';
import { APP_FILTER } from '@nestjs/core';
import { MulterModule } from '@nestjs/platform-express';
import { FileLikeSystem } from '../../lib';
import { aiofsStorage, AiofsExceptionFilter } from '../../lib/http';
import { FilesController, filePath } from './files.controller';

@Module({
  imports: [
    // Form uploads stream straight into the file system (FileInterceptor uses these options).
    MulterModule.registerAsync({
      inject: [FileLikeSystem],
      useFactory: (files: FileLikeSystem) => ({
        storage: aiofsStorage(files, { path: (request) => filePath(request as Request) }),
        limits: { files: 1 },
      }),
    }),
  ],
  controllers: [FilesController],
  // App-wide: every error as application/problem+json, also those raised before a route runs.
  providers: [{ provide: APP_FILTER, useClass: AiofsExceptionFilter }],
})
export class FilesModule {}
