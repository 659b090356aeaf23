import { ArgumentsHost, Catch, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import {
  BackendUnavailableError,
  BlockingIOError,
  FileExistsError,
  FileNotFoundError,
  FileSystemError,
  InvalidArgumentError,
  UnsupportedOperationError,
} from '../../lib';

/** aiofs errors as HTTP answers: an RFC 9457 problem, without stack or secret. */
@Catch(FileSystemError)
export class FileSystemErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(FileSystemErrorFilter.name);

  catch(error: FileSystemError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, title] = statusOf(error);
    if (status === 423) response.setHeader('Retry-After', '1');
    if (status === 503) response.setHeader('Retry-After', '5');
    if (status >= 500) this.logger.error(error.message);
    if (response.headersSent) {
      response.destroy(); // the body had started: cut it so the client sees a truncated transfer
      return;
    }
    response
      .status(status)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title,
        status,
        detail: status === 500 ? 'Internal error' : error.message,
        code: error.code,
        path: error.path,
      });
  }
}

function statusOf(error: FileSystemError): [number, string] {
  if (error instanceof FileNotFoundError) return [404, 'Not Found'];
  if (error instanceof BlockingIOError) return [423, 'Locked'];
  if (error instanceof FileExistsError) return [412, 'Precondition Failed'];
  if (error instanceof InvalidArgumentError) return [400, 'Bad Request'];
  if (error instanceof UnsupportedOperationError) return [400, 'Bad Request'];
  if (error instanceof BackendUnavailableError) return [503, 'Service Unavailable'];
  return [500, 'Internal Server Error'];
}
