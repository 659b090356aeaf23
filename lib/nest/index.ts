export { AiofsModule } from './aiofs.module';
export { InjectFileSystem } from './aiofs.decorators';
export { getFileSystemToken, getAiofsOptionsToken } from './aiofs.utils';
export {
  aiofsOptionsFromEnv,
  aiofsOptionsFromConfig,
  aiofsEnvNames,
  type EnvSource,
} from './aiofs-env';
export { DEFAULT_FILE_SYSTEM_NAME } from './aiofs.constants';
export * from './interfaces';
