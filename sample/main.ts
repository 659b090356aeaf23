import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { redactUrl } from '../lib';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  // No body parser: PUT /files streams the raw request body, whatever its Content-Type.
  // forceCloseConnections: a shutdown does not wait for slow clients; their uploads are aborted
  // (nothing half-written is committed) and every lock is released before the process exits.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    forceCloseConnections: true,
  });
  // No ETag of a JSON body: on a PUT's answer it would pose as the stored file's (RFC 9110 §9.3.4).
  app.set('etag', false);
  // SIGTERM/SIGINT close the app: open writers are aborted, locks released, clients quit.
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  Logger.log(
    `aiofs sample listening on http://localhost:${port} (files: ${redactUrl(process.env.AIOFS_URL ?? 'file:./data')})`,
    'Bootstrap',
  );
}

void bootstrap();
