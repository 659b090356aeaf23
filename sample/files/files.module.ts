import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FilesController } from './files.controller';
import { FileSystemErrorFilter } from './file-system-error.filter';

@Module({
  controllers: [FilesController],
  providers: [{ provide: APP_FILTER, useClass: FileSystemErrorFilter }],
})
export class FilesModule {}
