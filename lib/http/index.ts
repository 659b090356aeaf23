export { serveFile, type ServeFileOptions } from './download';
export { receiveFile, type ReceiveFileOptions, type ReceivedFile } from './upload';
export {
  aiofsStorage,
  type AiofsStorageEngine,
  type AiofsStorageOptions,
  type MultipartFile,
  type StoredFile,
} from './multipart-storage';
export { AiofsExceptionFilter } from './exception-filter';
export { problemOf, writeProblem, type Problem, type ProblemAnswer } from './problem';
export { pathFromUrl } from './request-path';
export { isClientGone } from './client-gone';
export {
  HttpFileError,
  PreconditionFailedError,
  PayloadTooLargeError,
  RangeNotSatisfiableError,
  BodyAlreadyReadError,
  ClientAbortedError,
} from './errors';
