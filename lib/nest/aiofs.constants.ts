export const DEFAULT_FILE_SYSTEM_NAME = 'default';
export const DEFAULT_RETRY_ATTEMPTS = 5;
export const DEFAULT_RETRY_DELAY_MS = 1000;
/** Set on each dynamic module so that two identical `forRoot` calls stay two modules (and collide). */
export const AIOFS_MODULE_ID = 'AIOFS_MODULE_ID';
