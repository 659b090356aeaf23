export { createFileSystem, registerBackend, knownBackends, type BackendFactory } from './factory';
export { parseFileSystemUrl } from './url';
export type * from './file-system-options';
export { loadSdk, loadPackage } from './load-sdk';
export { redactText, redactUrl } from './redact';
