import { Inject } from '@nestjs/common';
import { getFileSystemToken } from './aiofs.utils';

/** Injects a file system: the default one, or the one registered under `name`. */
export const InjectFileSystem = (name?: string): ParameterDecorator & PropertyDecorator =>
  Inject(getFileSystemToken(name));
