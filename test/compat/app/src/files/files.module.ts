import { Module } from '@nestjs/common';
import { FilesService } from './files.service.js';

/** A feature module: it imports nothing from aiofs, the file systems are global. */
@Module({ providers: [FilesService], exports: [FilesService] })
export class FilesModule {}
