import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { redactUrl } from '../lib';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  // No body parser: PUT /files streams the raw request body, whatever its Content-Type.
  // forceCloseConnections: a shutdown does not wait for slow clients; their uploads are aborted
  // (nothing half-written is committed) and every lock is released before the process exits.
  const app = await NestFactory.create(AppModule, {
    bodyParser: false,
    forceCloseConnections: true,
  });
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
