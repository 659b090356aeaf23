import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { FileLikeSystem } from '../../lib';
import { abortCases } from './cases/aborts.cases';
import { deleteCases } from './cases/delete.cases';
import { downloadCases } from './cases/downloads.cases';
import { errorCases } from './cases/errors.cases';
import { raceCases } from './cases/races.cases';
import { uploadCases } from './cases/uploads.cases';
import { CapturingLogger, startApp } from './start-app';
import type { SampleTarget } from './targets';
import { describeIfRunning } from '../support/describe-if-running';

export type { SampleTarget } from './targets';

/** What each test of the HTTP suite gets: the sample app listening on a port, on a fresh store. */
export interface E2EContext {
  readonly target: SampleTarget;
  readonly env: Record<string, string>;
  readonly app: INestApplication;
  readonly port: number;
  /** The sample's default file system, to act beside the HTTP clients. */
  readonly fs: FileLikeSystem;
  readonly logs: CapturingLogger;
  /** supertest on the listening app. */
  http(): ReturnType<typeof request>;
  /** A GET whose body is kept as bytes, whatever its type. */
  get(path: string): request.Test;
  /** This test makes the server fail on purpose: error logs are expected, not a failure. */
  allowErrorLogs(): void;
}

function binaryParser(
  res: NodeJS.ReadableStream,
  callback: (error: Error | null, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
  res.on('error', (error: Error) => callback(error, Buffer.alloc(0)));
}

export function describeSampleE2E(target: SampleTarget): void {
  describeIfRunning(`sample e2e: ${target.name}`, target.name, target.unavailable?.(), () => {
    let state:
      | {
          env: Record<string, string>;
          app: INestApplication;
          port: number;
          logs: CapturingLogger;
          errorsAllowed: boolean;
        }
      | undefined;

    beforeEach(async () => {
      const env = target.env();
      const logs = new CapturingLogger();
      const app = await startApp(env, { logger: logs });
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      state = { env, app, port, logs, errorsAllowed: false };
    });

    afterEach(async () => {
      const { app, logs, errorsAllowed } = state!;
      // give the last responses' clean-ups (closing handles) their turn before counting logs
      await new Promise((resolve) => setTimeout(resolve, 50));
      await app.close();
      const errors = logs.takeErrors();
      state = undefined;
      target.afterEach?.();
      // A successful request or a client going away logs nothing at error level.
      if (!errorsAllowed) expect(errors).toEqual([]);
    });

    const ctx: E2EContext = {
      target,
      get env() {
        return state!.env;
      },
      get app() {
        return state!.app;
      },
      get port() {
        return state!.port;
      },
      get fs() {
        return state!.app.get(FileLikeSystem);
      },
      get logs() {
        return state!.logs;
      },
      http: () => request(`http://127.0.0.1:${state!.port}`),
      get: (path) =>
        request(`http://127.0.0.1:${state!.port}`)
          .get(path)
          .buffer(true)
          .parse(binaryParser as never),
      allowErrorLogs: () => {
        state!.errorsAllowed = true;
      },
    };

    downloadCases(ctx);
    uploadCases(ctx);
    deleteCases(ctx);
    errorCases(ctx);
    abortCases(ctx);
    raceCases(ctx);

    test('health is up for both file systems', async () => {
      const res = await ctx.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.info.files).toMatchObject({
        status: 'up',
        backend: target.name.replace(/-.*/, ''),
      });
      expect(res.body.info.cache).toMatchObject({ status: 'up', backend: 'memory' });
      expect(typeof res.body.info.files.latencyMs).toBe('number');
    });
  });
}
