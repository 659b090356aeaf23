import { Controller, Delete, Get, Head, HttpCode, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileLikeSystem, InvalidPathError, type FileLike } from '../../lib';
import { parseByteRange } from './byte-range';

const CHUNK = 1024 * 1024;

/** The part of the URL after `/files/`, percent-decoded; aiofs itself refuses `..` and friends. */
function pathOf(request: Request): string {
  const raw = request.originalUrl.split('?')[0].replace(/^\/files\/?/, '');
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw new InvalidPathError(raw, 'bad percent-encoding');
  }
  // aiofs would drop a leading '/', but over HTTP an absolute path is a traversal attempt.
  if (path.startsWith('/')) throw new InvalidPathError(path, 'absolute paths are refused');
  return path;
}

/** Streams `length` bytes of an open handle from its position, then closes it. */
function streamHandle(file: FileLike, length: number): Readable {
  let left = length;
  return new Readable({
    async read() {
      try {
        if (left <= 0) {
          await file.close();
          this.push(null);
          return;
        }
        const chunk = await file.read(Math.min(CHUNK, left));
        left -= chunk.length;
        this.push(chunk.length > 0 ? chunk : null);
      } catch (error) {
        this.destroy(error as Error);
      }
    },
    destroy(error, callback) {
      file.close().then(() => callback(error), callback);
    },
  });
}

@Controller('files')
export class FilesController {
  constructor(private readonly files: FileLikeSystem) {}

  /** `GET /files?pattern=reports/*`: the matching paths as JSON. */
  @Get()
  async list(@Query('pattern') pattern?: string): Promise<{ files: string[] }> {
    return { files: await this.files.ls(pattern ?? '*') };
  }

  /** Streams the body into the file; `If-None-Match: *` creates only (412 when it exists). */
  @Put('*path')
  async upload(@Req() request: Request, @Res() response: Response): Promise<void> {
    const path = pathOf(request);
    const createOnly = request.headers['if-none-match'] === '*';
    const existed = !createOnly && (await this.files.exists(path));
    const target = await this.files.openWriteStream(path, { mode: createOnly ? 'x' : 'w' });
    await pipeline(request, target); // a broken upload aborts: the old content stays
    const { size, etag } = await this.files.stat(path);
    if (etag) response.setHeader('ETag', etag);
    response.status(existed ? 200 : 201).json({ path, size });
  }

  // HEAD before GET: Express would otherwise answer HEAD with the GET handler.
  @Head('*path')
  async head(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.serve(request, response, false);
  }

  @Get('*path')
  async download(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.serve(request, response, true);
  }

  @Delete('*path')
  @HttpCode(204)
  async remove(@Req() request: Request): Promise<void> {
    await this.files.rm(pathOf(request));
  }

  /** One version of the file from start to end: an `r` handle reads what it opened. */
  private async serve(request: Request, response: Response, withBody: boolean): Promise<void> {
    const path = pathOf(request);
    const stat = await this.files.stat(path);
    const file = await this.files.open(path, 'r');
    const size = await file.seek(0, 'end');
    const range = parseByteRange(request.headers.range, size);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Content-Type', 'application/octet-stream');
    if (stat.etag) response.setHeader('ETag', stat.etag);
    if (stat.modifiedAt) response.setHeader('Last-Modified', stat.modifiedAt.toUTCString());
    if (range === 'unsatisfiable') {
      await file.close();
      response.status(416).setHeader('Content-Range', `bytes */${size}`);
      response.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size };
    response.status(range ? 206 : 200);
    if (range) response.setHeader('Content-Range', `bytes ${start}-${end - 1}/${size}`);
    response.setHeader('Content-Length', String(end - start));
    if (!withBody) {
      await file.close();
      response.end();
      return;
    }
    await file.seek(start);
    await pipeline(streamHandle(file, end - start), response);
  }
}
