import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Put,
  Query,
  Req,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { escapePattern, FileLikeSystem } from '../../lib';
import { pathFromUrl, receiveFile, serveFile, type StoredFile } from '../../lib/http';

/** The file path after `/files/` in the URL, percent-decoded (400 for `%zz` or an absolute path). */
export const filePath = (request: { originalUrl: string }) =>
  pathFromUrl(request.originalUrl, '/files');

@Controller('files')
export class FilesController {
  constructor(private readonly files: FileLikeSystem) {}

  /** `GET /files?pattern=reports/*`: the matching paths as JSON. */
  @Get()
  async list(@Query('pattern') pattern?: string): Promise<{ files: string[] }> {
    return { files: await this.files.ls(pattern ?? '*') };
  }

  /** GET and HEAD: ranges, validators, 304 — everything `serveFile` does. */
  @Get('*path')
  download(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile | undefined> {
    return serveFile(this.files, filePath(request), request, response);
  }

  /** The raw body becomes the file: 201 new, 200 replaced; If-Match / If-None-Match: * → 412. */
  @Put('*path')
  async upload(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ path: string; size: number }> {
    const { path, size, created } = await receiveFile(this.files, filePath(request), request);
    response.status(created ? 201 : 200);
    return { path, size };
  }

  /** `curl -F file=@photo.jpg …/files/photos/photo.jpg`: the form's `file` part becomes the file. */
  @Post('*path')
  @UseInterceptors(FileInterceptor('file')) // storage: aiofsStorage, in FilesModule
  uploadForm(
    @UploadedFile() file: StoredFile | undefined,
    @Res({ passthrough: true }) response: Response,
  ): { path: string; size: number } {
    if (!file) throw new BadRequestException("Send multipart/form-data with a 'file' field");
    response.status(file.created ? 201 : 200);
    return { path: file.path, size: file.size };
  }

  /** Removes that one file (its name is escaped: `*`, `?` are not patterns here); 404 if missing. */
  @Delete('*path')
  @HttpCode(204)
  async remove(@Req() request: Request): Promise<void> {
    await this.files.rm(escapePattern(filePath(request)));
  }
}
