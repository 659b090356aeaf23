import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { isClientGone } from './client-gone';
import { writeProblem } from './problem';

/**
 * Answers every error of an HTTP request as `application/problem+json` (RFC 9457): aiofs errors by
 * kind (400 EINVAL, 404 ENOENT, 409 EEXIST, 412, 413, 416, 423 EWOULDBLOCK with Retry-After, 503
 * EUNAVAILABLE), Nest's HttpExceptions with their status, a malformed URL escape as 400, anything
 * else as 500. The detail never holds a disk path, a key, a host or a secret: only what the client
 * sent (its relative path) and aiofs's own wording.
 *
 * An HttpException built with a body of its own (a terminus health report) is sent as it is.
 * A client that went away gets no answer and is not logged; a server error (5xx) is logged at
 * error level, a client error (4xx) not at all. Register it app-wide (`APP_FILTER`) so that it
 * also answers the errors Express raises before a route runs (`/files/%zz`). Express only.
 */
@Catch()
export class AiofsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AiofsExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingMessage>();
    const response = http.getResponse<ServerResponse>();
    if (isClientGone(error, request, response)) {
      if (!response.destroyed) response.destroy();
      return;
    }
    if (response.headersSent) {
      this.log(error, 500);
      response.destroy(); // a body had started: cut it, so that the client sees it is incomplete
      return;
    }
    const custom = customBody(error);
    if (custom) {
      // an HttpException with a body of its own (terminus's health report…): sent as Nest would
      const body = JSON.stringify(custom.body);
      response.statusCode = custom.status;
      response.setHeader('Content-Type', 'application/json; charset=utf-8');
      response.setHeader('Content-Length', String(Buffer.byteLength(body)));
      response.end(body);
      this.log(error, custom.status);
      return;
    }
    const { problem } = writeProblem(response, error);
    this.log(error, problem.status);
  }

  private log(error: unknown, status: number): void {
    if (status < 500) return;
    const { message, stack } =
      error instanceof Error ? error : { message: String(error), stack: undefined };
    this.logger.error(message, stack);
  }
}

/** The keys of the body Nest's own HttpExceptions carry: `{ statusCode, message, error }`. */
const NEST_BODY_KEYS = new Set(['statusCode', 'message', 'error']);

/**
 * The body of an HttpException built with an object of its own (not Nest's default shape), which
 * its sender means the client to get as it is; undefined otherwise.
 */
function customBody(error: unknown): { status: number; body: object } | undefined {
  if (!(error instanceof HttpException)) return undefined;
  const body = error.getResponse();
  if (typeof body !== 'object' || body === null) return undefined;
  if (Object.keys(body).every((key) => NEST_BODY_KEYS.has(key))) return undefined;
  return { status: error.getStatus(), body };
}
